package io.matstore.precompute.replay;

/**
 * A running replay as JMX sees it, registered as {@code io.matstore.precompute:type=Replay,view=<name>,version=<N>}
 * while the replay is open. {@code RemainingRecords} is the gauge to alert or graph on.
 */
public interface ReplayMXBean {
    String getView();

    int getVersion();

    /** CONSUMING, DRAINING or CAUGHT_UP. */
    String getPhase();

    long getTotalRecords();

    long getConsumedRecords();

    long getRemainingRecords();

    boolean isCaughtUp();
}
