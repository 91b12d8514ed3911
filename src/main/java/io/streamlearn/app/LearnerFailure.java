package io.streamlearn.app;

import io.streamlearn.config.Secrets;
import io.streamlearn.config.StreamlearnConfig;
import java.nio.file.Path;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.TaskCorruptedException;

/**
 * What stopped a learner, as one line for a terminal: the root cause and what to do about it.
 * Kafka Streams' own messages span lines ("... due to:\n..."), and its log already holds the
 * stack traces; the summary is what an operator reads first and what a supervisor's log keeps.
 */
public final class LearnerFailure {
    private LearnerFailure() {
    }

    /** {@code <cause>; <what to do>}, on one line, secrets hidden. */
    public static String describe(Throwable failure, StreamlearnConfig config) {
        return Secrets.redact(summary(failure) + "; " + advice(failure, config));
    }

    /**
     * The outermost message's first line (it says where: which topic, which task) and the root
     * cause (what), each once.
     */
    static String summary(Throwable failure) {
        Throwable root = root(failure);
        String what = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
        if (root == failure || failure.getMessage() == null) {
            return what;
        }
        String where = oneLine(failure.getMessage().lines().findFirst().orElse(""));
        if (where.isEmpty() || (root.getMessage() != null && where.contains(oneLine(root.getMessage())))) {
            return what;
        }
        return where + (where.endsWith(":") ? " " : ": ") + what;
    }

    static String advice(Throwable failure, StreamlearnConfig config) {
        if (has(failure, RecordTooLargeException.class)) {
            // A start reads the topics' limits again (and raises those of its own model topics).
            return "start it again: it reads the topics' limits again and resumes from its last commit; if it stops the same"
                    + " way, raise the topic's max.message.bytes (or the producer's max.request.size:"
                    + " --set kafka.producer.max.request.size=BYTES)";
        }
        if (has(failure, AuthorizationException.class) || has(failure, AuthenticationException.class)) {
            return "give the learner's principal the access README's security section lists, then start it again";
        }
        if (has(failure, MissingSourceTopicException.class)) {
            return "a topic the learner reads is gone; start it again (it creates missing topics at start)";
        }
        if (has(failure, TaskCorruptedException.class) || has(failure, ProcessorStateException.class)) {
            return "if it fails again the same way, delete the local state " + localState(config)
                    + " and start again: Kafka Streams rebuilds it from the changelog topics";
        }
        return "the log above has the details; start it again once the cause is fixed: it resumes from its last commit";
    }

    private static String localState(StreamlearnConfig config) {
        String dir = config.stateDir() != null ? config.stateDir() : StreamsConfig.configDef().defaultValues()
                .getOrDefault(StreamsConfig.STATE_DIR_CONFIG, "").toString();
        return dir.isEmpty() ? "(stateDir/" + config.applicationId() + ")" : Path.of(dir, config.applicationId()).toString();
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    /** Joined into one line, without a final full stop (the advice follows after a semicolon). */
    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ").replaceAll("\\s{2,}", " ").replaceAll("\\.$", "");
    }
}
