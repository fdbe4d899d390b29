/** Monotonic time for deadlines, injected so that tests drive it ({@link io.graphagent.net.time.Ticker}). */
package io.graphagent.net.time;
