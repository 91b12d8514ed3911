package io.streamlearn.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.GroupState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the open transactions that killed instances of this application left behind.
 *
 * <p>Under exactly-once, a read_committed reader stops at the first record of an open transaction
 * on each partition that transaction wrote to. An instance killed mid-transaction (SIGKILL, a lost
 * machine) leaves it open until the transaction coordinator times it out: Kafka Streams'
 * {@code transaction.timeout.ms} (10 s) plus up to the broker's abort check interval
 * ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms}, 10 s by default). For that
 * long no instance learns the examples the dead one had re-keyed to the trainers (it wrote to
 * every partition of the re-keying topic), and no instance's global weights store sees a version
 * published after it, so scoring uses older weights, and a model whose first version came after
 * it had its events dead-lettered {@code NO_WEIGHTS_YET} although its weights were on the topic.
 *
 * <p>So, at start and whenever a rebalance begins or ends (a rebalance is how the group lets a dead
 * member go; the check waits for the group to settle, not for moved tasks to restore), the open transactions of the
 * application's transactional ids ({@code <applicationId>-<processId>-<thread>}) whose process is
 * no longer a member of the group are fenced, which aborts them at once. A member's process id is
 * read from its consumer's client id ({@code <applicationId>-<processId>-StreamThread-<n>-consumer});
 * when a member's client id does not say (a {@code client.id} set by hand, another client in the
 * group), nothing is fenced. A transaction younger than {@link #MIN_AGE} is never fenced: it may
 * belong to an instance that joined a moment ago. A fenced instance that was in fact alive loses
 * its tasks and rejoins, as it would on finding itself out of the group.
 */
final class AbandonedTransactions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonedTransactions.class);
    static final Duration MIN_AGE = Duration.ofSeconds(1);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** While the group rebalances it may still list a member that is leaving: ask again, for at most this many times. */
    private static final int ATTEMPTS = 40;
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String applicationId;
    private final Map<String, Object> clientProperties;
    private final Supplier<Set<String>> ownConsumerClientIds;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamlearn-abandoned-transactions");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Set<String> warned = new HashSet<>();
    private Admin admin;

    /**
     * @param ownConsumerClientIds this instance's main consumers' client ids: if none of them is in
     *                             the group, this instance is the one left out and fences nothing
     */
    AbandonedTransactions(String applicationId, Map<String, Object> clientProperties, Supplier<Set<String>> ownConsumerClientIds) {
        this.applicationId = applicationId;
        this.clientProperties = clientProperties;
        this.ownConsumerClientIds = ownConsumerClientIds;
    }

    /** Looks for abandoned transactions soon, off the calling thread (a Kafka Streams thread). */
    void check() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                worker.execute(() -> attempt(1));
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                scheduled.set(false);
            }
        }
    }

    private void attempt(int n) {
        boolean again;
        try {
            again = fenceAbandoned() == Outcome.GROUP_UNSETTLED && n < ATTEMPTS;
        } catch (RuntimeException | TimeoutException | ExecutionException e) {
            warnOnce(e, "could not look for transactions left open by stopped instances ({}); they end when they time out");
            again = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            again = false;
        }
        if (again) {
            try {
                worker.schedule(() -> attempt(n + 1), RETRY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closing
            }
        }
        scheduled.set(false);
    }

    enum Outcome { NOTHING_OPEN, GROUP_UNSETTLED, UNKNOWN_MEMBERS, FENCED }

    private Outcome fenceAbandoned() throws InterruptedException, ExecutionException, TimeoutException {
        Admin a = admin();
        // Transactions first, then the group: an instance that began a transaction had joined the
        // group before, so if it is missing from the group read after, it has left it.
        Collection<TransactionListing> listed = a.listTransactions(new ListTransactionsOptions()
                        .filterStates(List.of(TransactionState.ONGOING)).timeoutMs((int) CALL_TIMEOUT.toMillis()))
                .all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<String> open = new ArrayList<>();
        for (TransactionListing t : listed) {
            if (processOfTransaction(applicationId, t.transactionalId()) != null) {
                open.add(t.transactionalId());
            }
        }
        if (open.isEmpty()) {
            return Outcome.NOTHING_OPEN;
        }
        ConsumerGroupDescription group = a.describeConsumerGroups(List.of(applicationId)).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(applicationId);
        List<String> members = group.members().stream().map(MemberDescription::clientId).toList();
        if (group.groupState() != GroupState.STABLE || members.stream().noneMatch(ownConsumerClientIds.get()::contains)) {
            return Outcome.GROUP_UNSETTLED;
        }
        Set<String> candidates = abandoned(applicationId, open, members);
        if (candidates == null) {
            warnOnce(null, "cannot tell this application's instances apart by their client ids ({}), so transactions left"
                    + " open by stopped instances end only when they time out");
            return Outcome.UNKNOWN_MEMBERS;
        }
        if (candidates.isEmpty()) {
            return Outcome.NOTHING_OPEN;
        }
        Map<String, TransactionDescription> described = a.describeTransactions(candidates).all()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long now = System.currentTimeMillis();
        Set<String> fence = new TreeSet<>();
        described.forEach((id, d) -> {
            if (d.state() == TransactionState.ONGOING
                    && d.transactionStartTimeMs().orElse(now) <= now - MIN_AGE.toMillis()) {
                fence.add(id);
            }
        });
        if (fence.isEmpty()) {
            return Outcome.NOTHING_OPEN;
        }
        a.fenceProducers(fence).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Aborted the open transactions of {} (instances no longer in the group): readers of the partitions"
                + " they wrote to go on at once instead of waiting for them to time out", fence);
        return Outcome.FENCED;
    }

    /**
     * The open transactions among {@code openTransactionalIds} whose process has no consumer among
     * {@code memberClientIds}; null when a member's process cannot be told from its client id.
     */
    static Set<String> abandoned(String applicationId, Collection<String> openTransactionalIds,
                                 Collection<String> memberClientIds) {
        Set<String> live = new HashSet<>();
        for (String clientId : memberClientIds) {
            String process = processOfConsumer(applicationId, clientId);
            if (process == null) {
                return null;
            }
            live.add(process);
        }
        Set<String> out = new TreeSet<>();
        for (String id : openTransactionalIds) {
            String process = processOfTransaction(applicationId, id);
            if (process != null && !live.contains(process)) {
                out.add(id);
            }
        }
        return out;
    }

    /** The process id in a Kafka Streams transactional id {@code <applicationId>-<processId>-<thread>}, or null. */
    static String processOfTransaction(String applicationId, String transactionalId) {
        return match(transactionalId, applicationId, "-(\\d+)");
    }

    /** The process id in a Kafka Streams main consumer's client id, or null. */
    static String processOfConsumer(String applicationId, String clientId) {
        return match(clientId, applicationId, "-StreamThread-(\\d+)-consumer");
    }

    private static String match(String s, String applicationId, String tail) {
        Matcher m = Pattern.compile(Pattern.quote(applicationId) + "-(" + UUID.pattern() + ")" + tail).matcher(s);
        return m.matches() ? m.group(1) : null;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(clientProperties);
        }
        return admin;
    }

    private synchronized void warnOnce(Exception e, String message) {
        String kind = e == null ? message : e.getClass().getName();
        if (warned.add(kind)) {
            LOG.warn(message, e == null ? applicationId : LearnerFailure.summary(e));
        } else {
            LOG.debug(message, e == null ? applicationId : String.valueOf(e));
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
        }
    }
}
