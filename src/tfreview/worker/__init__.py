"""Workers: claim a job, run its handler under a lease, complete or fail it; the reaper and the deadline watchdog."""
