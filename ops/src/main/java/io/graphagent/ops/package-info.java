/**
 * Operability: the admin HTTP server (Prometheus metrics, health, JSON API, runtime log
 * levels), the event log, and {@code doctor}. Sits above coordinator and agent, which it
 * observes through their listener hooks; below the CLI, which starts it.
 */
package io.graphagent.ops;
