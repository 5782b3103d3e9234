package dev.edp.platform.client;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClientResponseException;

/**
 * The loop every transactional outbox of EDP runs to hand its rows to another service:
 * claim a batch of due rows, send them (in calls of at most {@code rowsPerCall} rows),
 * mark what was taken, and decide on failures. A service supplies only its
 * {@link Outbox}: how rows are claimed, sent and marked.
 *
 * <ul>
 * <li>A call refused for good ({@code permanentWhen}, by default
 * {@link OutboxMetrics#isPermanentRefusal} for a 4xx other than 401/408/429) with several
 * rows is split in halves and sent again, down to single rows, so only the rows the
 * receiver refuses on their own are {@link Outbox#refused refused}: one bad row never
 * blocks the others.</li>
 * <li>Any other failure (5xx, no connection, no token, no instance) {@link Outbox#failed
 * fails} the rows of that call and ends the pass; rows not yet tried stay due as they
 * were.</li>
 * <li>A pass runs batches, each in its own transaction when a {@link TransactionTemplate}
 * is given (so {@code FOR UPDATE SKIP LOCKED} claims hold until the rows are marked),
 * while batches come back full, at most {@code maxBatchesPerPass}.</li>
 * </ul>
 *
 * @param <R> a claimed row
 */
public final class OutboxRelay<R> {

    /**
     * The parts of one outbox.
     *
     * @param <R> a claimed row
     */
    public interface Outbox<R> {

        /**
         * @param limit most rows to claim
         * @return due rows, in the order to send them, claimed for this batch's
         * transaction
         */
        List<R> claim(int limit);

        /**
         * Sends rows in one call.
         * @param rows one or more rows
         * @throws RuntimeException when the receiver did not take them
         */
        void send(List<R> rows);

        /**
         * @param rows rows the receiver took
         */
        void delivered(List<R> rows);

        /**
         * @param rows one row the receiver refused for good
         * @param cause its answer
         */
        void refused(List<R> rows, RuntimeException cause);

        /**
         * @param rows rows of a call that failed for a reason that may pass
         * @param cause the failure
         */
        void failed(List<R> rows, RuntimeException cause);

    }

    private final Outbox<R> outbox;

    private final int batchSize;

    private final int rowsPerCall;

    private final int maxBatchesPerPass;

    private final Predicate<RuntimeException> permanent;

    private final TransactionTemplate transactions;

    private OutboxRelay(Builder<R> builder) {
        this.outbox = builder.outbox;
        this.batchSize = builder.batchSize;
        this.rowsPerCall = builder.rowsPerCall == 0 ? builder.batchSize : builder.rowsPerCall;
        this.maxBatchesPerPass = builder.maxBatchesPerPass;
        this.permanent = builder.permanent;
        this.transactions = builder.transactions;
    }

    /**
     * @param outbox the outbox's parts
     * @param <R> a claimed row
     * @return a builder (batches of 100 rows sent in one call, one batch per pass, no
     * transaction)
     */
    public static <R> Builder<R> of(Outbox<R> outbox) {
        return new Builder<>(outbox);
    }

    /**
     * Claims and sends batches while they come back full, at most
     * {@code maxBatchesPerPass}, and until a call fails for a reason that may pass.
     * @return how many rows the receiver took
     */
    public int pass() {
        int delivered = 0;
        for (int batch = 0; batch < maxBatchesPerPass; batch++) {
            Result result = transactions == null ? batch() : transactions.execute(status -> batch());
            delivered += result.delivered();
            if (result.stopped() || result.claimed() < batchSize) {
                break;
            }
        }
        return delivered;
    }

    private Result batch() {
        List<R> rows = outbox.claim(batchSize);
        int delivered = 0;
        for (int from = 0; from < rows.size(); from += rowsPerCall) {
            try {
                delivered += deliver(rows.subList(from, Math.min(rows.size(), from + rowsPerCall)));
            }
            catch (Unsent unsent) {
                @SuppressWarnings("unchecked")
                List<R> unsentRows = (List<R>) unsent.rows;
                outbox.failed(unsentRows, unsent.cause);
                return new Result(rows.size(), delivered, true);
            }
        }
        return new Result(rows.size(), delivered, false);
    }

    private int deliver(List<R> rows) {
        try {
            outbox.send(rows);
        }
        catch (RuntimeException ex) {
            if (!permanent.test(ex)) {
                throw new Unsent(rows, ex);
            }
            if (rows.size() == 1) {
                outbox.refused(rows, ex);
                return 0;
            }
            int half = rows.size() / 2;
            return deliver(rows.subList(0, half)) + deliver(rows.subList(half, rows.size()));
        }
        outbox.delivered(rows);
        return rows.size();
    }

    private record Result(int claimed, int delivered, boolean stopped) {
    }

    /** Carries a failed call out of the halving, with the rows of that call. */
    private static final class Unsent extends RuntimeException {

        private final transient List<?> rows;

        private final RuntimeException cause;

        Unsent(List<?> rows, RuntimeException cause) {
            super(null, null, false, false);
            this.rows = rows;
            this.cause = cause;
        }

    }

    /**
     * Builds an {@link OutboxRelay}.
     *
     * @param <R> a claimed row
     */
    public static final class Builder<R> {

        private final Outbox<R> outbox;

        private int batchSize = 100;

        private int rowsPerCall;

        private int maxBatchesPerPass = 1;

        private Predicate<RuntimeException> permanent = OutboxRelay::permanentRefusal;

        private TransactionTemplate transactions;

        private Builder(Outbox<R> outbox) {
            this.outbox = Objects.requireNonNull(outbox);
        }

        /**
         * @param rows most rows claimed at once
         * @return this builder
         */
        public Builder<R> batchSize(int rows) {
            this.batchSize = Math.max(1, rows);
            return this;
        }

        /**
         * @param rows most rows sent in one call (1: every row alone); default the whole
         * batch
         * @return this builder
         */
        public Builder<R> rowsPerCall(int rows) {
            this.rowsPerCall = Math.max(1, rows);
            return this;
        }

        /**
         * @param batches most batches one pass sends when they keep coming back full
         * @return this builder
         */
        public Builder<R> maxBatchesPerPass(int batches) {
            this.maxBatchesPerPass = Math.max(1, batches);
            return this;
        }

        /**
         * @param permanent which failures refuse the rows for good (default: a 4xx other
         * than 401, 408, 429)
         * @return this builder
         */
        public Builder<R> permanentWhen(Predicate<RuntimeException> permanent) {
            this.permanent = Objects.requireNonNull(permanent);
            return this;
        }

        /**
         * @param transactions runs each batch, claim to marks, in one transaction
         * @return this builder
         */
        public Builder<R> transactions(TransactionTemplate transactions) {
            this.transactions = transactions;
            return this;
        }

        /**
         * @return the relay
         */
        public OutboxRelay<R> build() {
            return new OutboxRelay<>(this);
        }

    }

    /**
     * @param failure a failed call
     * @return whether it is the receiver's answer refusing the rows for good
     * ({@link OutboxMetrics#isPermanentRefusal})
     */
    public static boolean permanentRefusal(RuntimeException failure) {
        return failure instanceof RestClientResponseException answer && OutboxMetrics.isPermanentRefusal(answer);
    }

}
