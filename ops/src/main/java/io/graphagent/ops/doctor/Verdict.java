package io.graphagent.ops.doctor;

/** The outcome of one doctor or health check, in increasing order of severity (SKIPPED aside). */
public enum Verdict {
    /** The check found nothing wrong. */
    PASS,
    /** Works now, but likely to fail later or under load; exit code 1. */
    WARN,
    /** Broken: agents will drop or cannot join; exit code 2. */
    FAIL,
    /** Not run because a check it depends on failed; the reason names that check. */
    SKIPPED
}
