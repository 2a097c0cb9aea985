//! SLA: the Israeli working calendar and the working-time clock (§2.1.7, R16, R28-R30).
//!
//! Pure functions only: no I/O, no clock reads (the caller passes `now`), no database types.
//! `hebrew` does the Hebrew calendar arithmetic, `calendar` turns it into working days and
//! working time in Asia/Jerusalem, and `clock` measures an inquiry's history against its target.

pub mod calendar;
pub mod clock;
pub mod hebrew;

pub use calendar::{
    ExtraDay, Holiday, NonWorkingDay, WorkingCalendar, day_start, holiday_on, holidays, local_date,
};
pub use clock::{
    ClockInput, Pause, Segment, SegmentTime, SlaReport, counts_as_handled, counts_toward_sla,
    measure,
};

#[cfg(test)]
mod calendar_tests;
#[cfg(test)]
mod props;
