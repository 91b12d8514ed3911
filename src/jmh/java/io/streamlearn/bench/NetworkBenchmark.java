package io.streamlearn.bench;

import io.streamlearn.model.Activation;
import io.streamlearn.model.LayerSpec;
import io.streamlearn.model.LossKind;
import io.streamlearn.model.ModelSpec;
import io.streamlearn.model.Network;
import io.streamlearn.model.OptimizerKind;
import io.streamlearn.model.OptimizerSpec;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path: one update (SGD, Adam) and one prediction of a one-layer network, next to a
 * plain double[] loop doing the same arithmetic (sigmoid or softmax, cross-entropy gradient,
 * the optimizer step), at d inputs and m outputs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NetworkBenchmark {
    @Param({"2", "10", "100", "1000"})
    int d;

    @Param({"1", "10"})
    int m;

    @Param({"SGD", "ADAM"})
    String optimizer;

    private Network network;
    private double[][] xs;
    private double[][] ys;
    private double[] out;
    private int i;

    // the plain loop's state
    private double[] w;
    private double[] b;
    private double[] mw;
    private double[] vw;
    private double[] mb;
    private double[] vb;
    private double[] z;
    private double[] a;
    private long t;

    @Setup
    public void setup() {
        OptimizerKind kind = OptimizerKind.valueOf(optimizer);
        Activation act = m == 1 ? Activation.SIGMOID : Activation.SOFTMAX;
        LossKind loss = m == 1 ? LossKind.BINARY_CROSS_ENTROPY : LossKind.CATEGORICAL_CROSS_ENTROPY;
        network = Network.initialize(new ModelSpec(d, List.of(new LayerSpec(m, act)), loss,
                OptimizerSpec.defaults(kind), 0.0, 1L));
        SplittableRandom r = new SplittableRandom(7);
        xs = new double[1024][d];
        ys = new double[1024][m];
        for (int k = 0; k < 1024; k++) {
            for (int j = 0; j < d; j++) {
                xs[k][j] = r.nextGaussian();
            }
            ys[k][r.nextInt(m)] = 1;
        }
        out = new double[m];
        w = network.weights(0).clone();
        b = new double[m];
        mw = new double[m * d];
        vw = new double[m * d];
        mb = new double[m];
        vb = new double[m];
        z = new double[m];
        a = new double[m];
    }

    @Benchmark
    public double update() {
        int k = i++ & 1023;
        return network.learnOne(xs[k], ys[k]);
    }

    @Benchmark
    public double[] predict() {
        int k = i++ & 1023;
        network.predict(xs[k], out);
        return out;
    }

    /** The same arithmetic as {@link #predict} on bare arrays. */
    @Benchmark
    public double[] plainPredict() {
        int k = i++ & 1023;
        plainForward(xs[k]);
        return a;
    }

    /** z = W x + b, then sigmoid (one output) or softmax, into {@code a}. */
    private void plainForward(double[] x) {
        for (int r = 0; r < m; r++) {
            double s = b[r];
            int off = r * d;
            for (int j = 0; j < d; j++) {
                s += w[off + j] * x[j];
            }
            z[r] = s;
        }
        if (m == 1) {
            a[0] = 1 / (1 + Math.exp(-z[0]));
        } else {
            double max = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < m; r++) {
                max = Math.max(max, z[r]);
            }
            double sum = 0;
            for (int r = 0; r < m; r++) {
                a[r] = Math.exp(z[r] - max);
                sum += a[r];
            }
            for (int r = 0; r < m; r++) {
                a[r] /= sum;
            }
        }
    }

    /** The same arithmetic as {@link #update} on bare arrays: the floor the model is compared with. */
    @Benchmark
    public double plainUpdate() {
        int k = i++ & 1023;
        double[] x = xs[k];
        double[] y = ys[k];
        plainForward(x);
        boolean adam = optimizer.equals("ADAM");
        t++;
        double lrT = adam ? 0.001 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t)) : 0.01;
        double loss = 0;
        for (int r = 0; r < m; r++) {
            double g = a[r] - y[r];
            loss -= y[r] * Math.log(Math.max(1e-15, a[r]));
            int off = r * d;
            for (int j = 0; j < d; j++) {
                double gw = g * x[j];
                if (adam) {
                    mw[off + j] = 0.9 * mw[off + j] + 0.1 * gw;
                    vw[off + j] = 0.999 * vw[off + j] + 0.001 * gw * gw;
                    w[off + j] -= lrT * mw[off + j] / (Math.sqrt(vw[off + j]) + 1e-7);
                } else {
                    w[off + j] -= lrT * gw;
                }
            }
            if (adam) {
                mb[r] = 0.9 * mb[r] + 0.1 * g;
                vb[r] = 0.999 * vb[r] + 0.001 * g * g;
                b[r] -= lrT * mb[r] / (Math.sqrt(vb[r]) + 1e-7);
            } else {
                b[r] -= lrT * g;
            }
        }
        return loss;
    }
}
