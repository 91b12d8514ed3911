package io.streamlearn.cli;

import io.streamlearn.app.KafkaProperties;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import io.streamlearn.produce.ExampleSender;
import io.streamlearn.snapshot.WeightsReader;
import java.util.Properties;

/**
 * Before produce sends its held-out events: waits, at most {@code seconds}, until the running
 * learner has trained on every example sent before them and has published weights of their model,
 * so the newest weights score them. Without a learner it says so and lets them go.
 */
final class LearnerCatchUp implements ExampleSender.BeforeEvents {
    private final StreamlearnConfig config;
    private final int seconds;

    LearnerCatchUp(StreamlearnConfig config, int seconds) {
        this.config = config;
        this.seconds = seconds;
    }

    @Override
    public void await(String model) throws InterruptedException {
        if (seconds <= 0) {
            return;
        }
        Properties p = new Properties();
        p.putAll(KafkaProperties.common(config));
        Topics topics = Topics.of(config);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        boolean told = false;
        try (LearnerProgress learner = new LearnerProgress(p, config.applicationId(), topics.examples().name())) {
            while (System.nanoTime() < deadline) {
                // Caught up first: the weights read after it include the snapshot of the last example.
                if (learner.caughtUp() && WeightsReader.latest(p, topics.weights().name(), topics.weights().codec()).containsKey(model)) {
                    return;
                }
                // Catching up takes a moment after every run; only a longer wait is worth a word.
                if (!told && System.nanoTime() > deadline - (seconds - 3) * 1_000_000_000L) {
                    System.err.println("waiting for model '" + model + "' to train on the examples and publish weights"
                            + " before sending the held-out events (is 'streamlearn run' running?)");
                    told = true;
                }
                Thread.sleep(200);
            }
        }
        System.err.println("warning: model '" + model + "' did not catch up and publish weights within " + seconds
                + " s; sending the events anyway (without weights they will be dead-lettered as NO_WEIGHTS_YET)");
    }
}
