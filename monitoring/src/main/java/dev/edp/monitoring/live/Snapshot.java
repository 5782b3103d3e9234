package dev.edp.monitoring.live;

import java.util.Arrays;

/**
 * A PostgreSQL snapshot as {@code pg_current_snapshot()::text} prints it
 * ({@code xmin:xmax:xip,...}): which transactions had committed when it was taken. A
 * stream's starting point: it sends the events whose transaction the snapshot does not
 * include (they committed after the stream started), and replays from the table only
 * events it does include, so each event is sent once and none that had committed before
 * the stream started arrives as "live".
 */
final class Snapshot {

    private final long xmin;

    private final long xmax;

    private final long[] inProgress;

    private Snapshot(long xmin, long xmax, long[] inProgress) {
        this.xmin = xmin;
        this.xmax = xmax;
        this.inProgress = inProgress;
    }

    /**
     * @param text {@code pg_current_snapshot()::text}
     * @return the snapshot
     */
    static Snapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("Not a PostgreSQL snapshot: " + text);
        }
        long[] inProgress = parts[2].isEmpty() ? new long[0]
                : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).sorted().toArray();
        return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), inProgress);
    }

    /**
     * Same rule as PostgreSQL's {@code pg_visible_in_snapshot}.
     * @param txid the transaction that wrote a row
     * @return whether it had committed when the snapshot was taken (for a row that
     * exists: it did not roll back)
     */
    boolean includes(long txid) {
        if (txid < xmin) {
            return true;
        }
        if (txid >= xmax) {
            return false;
        }
        return Arrays.binarySearch(inProgress, txid) < 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < inProgress.length; i++) {
            text.append(i == 0 ? "" : ",").append(inProgress[i]);
        }
        return text.toString();
    }

}
