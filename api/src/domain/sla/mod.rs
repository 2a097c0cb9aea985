//! SLA: the Israeli working calendar and the working-time clock (§2.1.7, R16, R28-R30).
