/**
 * Optimizers as small classes behind one sealed interface (Sgd, Momentum, AdaGrad, RmsProp, Adam):
 * each updates parameters in place from a gradient, allocating nothing.
 *
 * <p>May use: nothing outside model.optim.
 */
package io.streamlearn.model.optim;
