package io.streamlearn.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Connects a task's trainer to its model store: the store runs the trainer's hook when Kafka
 * Streams flushes it before a commit. One instance per topology; tasks register and leave.
 */
final class FlushHooks {
    private final Map<TaskId, Runnable> hooks = new ConcurrentHashMap<>();

    void register(TaskId task, Runnable beforeFlush) {
        hooks.put(task, beforeFlush);
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
