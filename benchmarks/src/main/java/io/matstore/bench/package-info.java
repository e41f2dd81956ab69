/**
 * Benchmarks: JMH for hot paths (run with {@code -prof gc} to show allocation), plain mains for pipeline and load
 * runs against real components. Each class says in its header how to run it; results go to docs/benchmarks.md.
 */
package io.matstore.bench;
