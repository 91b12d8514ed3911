package io.streamlearn.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Connects a task's trainer to its {@link PreCommitStore}: the store and the processor are
 * created separately by Kafka Streams, and a task id is the one thing both are told. One
 * instance per topology; tasks register and leave.
 */
final class PreCommitHooks {
    private final Map<TaskId, Runnable> hooks = new ConcurrentHashMap<>();

    void register(TaskId task, Runnable beforeCommit) {
        hooks.put(task, beforeCommit);
    }

    void unregister(TaskId task) {
        hooks.remove(task);
    }

    void run(TaskId task) {
        Runnable r = hooks.get(task);
        if (r != null) {
            r.run();
        }
    }
}
