package io.streamlearn.codec;

import io.streamlearn.model.Label;

/** A decoded record of the examples topic (schema {@code LabeledExample}). */
public record LabeledExample(String id, String model, double[] features, Label label) {

    public static LabeledExample of(String id, String model, double[] features, double label) {
        return new LabeledExample(id, model, features, new Label.Scalar(label));
    }

    public static LabeledExample of(String id, String model, double[] features, double[] target) {
        return new LabeledExample(id, model, features, new Label.Vector(target));
    }

    public LabeledExample withModel(String model) {
        return new LabeledExample(id, model, features, label);
    }
}
