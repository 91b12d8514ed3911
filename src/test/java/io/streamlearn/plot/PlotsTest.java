package io.streamlearn.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.config.ConfigLoader;
import io.streamlearn.data.Datasets;
import io.streamlearn.data.LabeledRow;
import io.streamlearn.learn.OnlineLearner;
import io.streamlearn.model.Network;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pictures, read back from their PNG files: the tutorial's OR perceptron (w = 1, 1; b = −1;
 * step) predicts 1 where x1 + x2 ≥ 1. On the OR data's axes ([−0.1, 1.1] on both) that boundary
 * is the diagonal from the plot's top-left to its bottom-right corner.
 */
class PlotsTest {
    private static final List<LabeledRow> OR = Datasets.load("or");
    private static final int TINT_0 = DecisionRegions.tint(Plots.CLASS_COLORS[0]).getRGB();
    private static final int TINT_1 = DecisionRegions.tint(Plots.CLASS_COLORS[1]).getRGB();

    private static Network orPerceptron() {
        return OnlineLearner.fresh(ConfigLoader.load(Path.of("examples/tutorial.yaml"), Map.of()).model("or")).network();
    }

    private static BufferedImage png(Picture picture, Path file) throws Exception {
        Plots.savePng(picture, file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null && Files.size(file) > 0, file + " is a PNG");
        return image;
    }

    @Test
    void bothRegionsAreShadedEachOnItsSideOfTheBoundary(@TempDir Path dir) throws Exception {
        BufferedImage image = png(Plots.predictions(OR, orPerceptron(), "or"), dir.resolve("or-predictions.png"));
        int left = Integer.MAX_VALUE;
        int right = -1;
        int top = Integer.MAX_VALUE;
        int bottom = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (rgb == TINT_0 || rgb == TINT_1) {
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        assertTrue(right - left > 300 && bottom - top > 300, "a shaded plot area: " + left + ".." + right + " x " + top + ".." + bottom);
        // Where a pixel lies: u across, v up the shaded area, both 0..1; the boundary is u + v = 1.
        long below = 0;
        long above = 0;
        long wrongSide = 0;
        double tolerance = 3.0 / (right - left);
        for (int y = top; y <= bottom; y++) {
            for (int x = left; x <= right; x++) {
                int rgb = image.getRGB(x, y);
                double side = (double) (x - left) / (right - left) + (double) (bottom - y) / (bottom - top) - 1;
                if (rgb == TINT_0) {
                    below++;
                    wrongSide += side > tolerance ? 1 : 0;
                } else if (rgb == TINT_1) {
                    above++;
                    wrongSide += side < -tolerance ? 1 : 0;
                }
            }
        }
        long area = (long) (right - left + 1) * (bottom - top + 1);
        assertEquals(0, wrongSide, "pixels shaded as the class of the other side of x1 + x2 = 1");
        // Each side is half the area, less what the grid lines, the points and the border cover.
        assertTrue(below > area * 0.4 && above > area * 0.4, "both shades, about half each: " + below + " and " + above + " of " + area);
    }

    @Test
    void theDataAreDrawnOnTopAtTheSamePlacesAsInTheDataPicture(@TempDir Path dir) throws Exception {
        BufferedImage data = png(Plots.data(OR, "or"), dir.resolve("or-data.png"));
        BufferedImage predictions = png(Plots.predictions(OR, orPerceptron(), "or"), dir.resolve("or-predictions.png"));
        Set<Integer> shades = Set.of(TINT_0, TINT_1);
        Set<Long> inData = markerPixels(data);
        assertTrue(inData.size() > 4 * 20, "the four points' markers: " + inData.size() + " pixels");
        assertEquals(inData, markerPixels(predictions), "the points (and legend) at the same pixels: the same axes");
        long shaded = 0;
        for (int y = 0; y < data.getHeight(); y++) {
            for (int x = 0; x < data.getWidth(); x++) {
                shaded += shades.contains(data.getRGB(x, y)) ? 1 : 0;
            }
        }
        // A marker's anti-aliased edge a quarter covered blends into exactly a shade: a few such pixels, no regions.
        assertTrue(shaded < 200, "no regions in the data picture: " + shaded + " shaded pixels");
    }

    @Test
    void onlyATwoInputModelHasAPictureOfItsRegions() {
        Network threeInputs = OnlineLearner.fresh(ConfigLoader.fromYaml("""
                models:
                  - {id: m, inputSize: 3, layers: [{units: 1, activation: sigmoid}], loss: binary_cross_entropy}
                defaultModel: m
                """, Map.of()).model("m")).network();
        assertThrows(IllegalArgumentException.class, () -> Plots.predictions(OR, threeInputs, "m"));
    }

    /** Pixels in exactly a class colour: the inside of the markers (their edges blend with what is under them). */
    private static Set<Long> markerPixels(BufferedImage image) {
        Set<Integer> classColours = Set.of(Plots.CLASS_COLORS[0].getRGB(), Plots.CLASS_COLORS[1].getRGB());
        Set<Long> at = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (classColours.contains(image.getRGB(x, y))) {
                    at.add((long) y << 32 | x);
                }
            }
        }
        return at;
    }
}
