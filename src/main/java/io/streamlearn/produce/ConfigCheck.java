package io.streamlearn.produce;

import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ModelResolver;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.RecordCheck;
import java.nio.charset.StandardCharsets;

/**
 * The learner's own rules, applied before a row is sent: its model as the topology resolves it
 * (the {@code model} field, else a key naming a declared model, else the default), then
 * {@link RecordCheck} on its features (and, for an example, its label). A row the learner would
 * dead-letter is refused here with what to change; with the check off, rows are only resolved.
 */
public final class ConfigCheck {
    private final StreamlearnConfig config;
    private final ModelResolver resolver;
    private final ExampleSource source;
    private final boolean modelFromFlag;
    private final boolean on;

    /**
     * @param modelFromFlag whether the rows' model field is {@code --model} (else each row's own)
     * @param on false to send rows the learner will refuse (to try its dead letters)
     */
    public ConfigCheck(StreamlearnConfig config, ExampleSource source, boolean modelFromFlag, boolean on) {
        this.config = config;
        this.resolver = new ModelResolver(config);
        this.source = source;
        this.modelFromFlag = modelFromFlag;
        this.on = on;
    }

    /**
     * The model the learner will train ({@code event}: score) {@code e} with, {@code key} being its
     * record key; throws {@link ProduceRefused} when the learner would refuse it.
     */
    public String modelOf(LabeledExample e, String key, String where, boolean event) {
        String model = resolver.resolve(e.model(), key == null ? null : key.getBytes(StandardCharsets.UTF_8));
        if (!on) {
            return model != null ? model : e.model();
        }
        if (model == null) {
            throw new ProduceRefused(resolver.notDeclared(e.model()) + (modelFromFlag
                    ? ": choose one of them with --model, or declare it in the configuration (--config)"
                    : " (" + where + "): name a declared model in \"model\", or give --model"));
        }
        ModelSpec spec = config.model(model).spec();
        RecordCheck.Problem p = event ? RecordCheck.features(model, spec, e.features())
                : RecordCheck.example(model, spec, e.features(), e.label());
        if (p != null) {
            throw new ProduceRefused(where + ": " + p.detail() + ": " + fix(p.kind(), spec, e));
        }
        return model;
    }

    private String fix(RecordCheck.Kind kind, ModelSpec spec, LabeledExample e) {
        return switch (kind) {
            case WRONG_DIMENSION -> source.featuresFix(spec.inputSize(), e.features().length);
            case LABEL_OUT_OF_RANGE -> source.labelsOrigin() + "; choose a --model whose outputs fit them";
            case NON_FINITE_VALUE -> "mend or drop the row";
        };
    }
}
