package io.fogline.optimize.quantize;

/**
 * @param mode dynamic or static activation quantization
 * @param perChannel one weight scale per output channel (more accurate, same size) instead of one per tensor
 */
public record QuantizationOptions(QuantizationMode mode, boolean perChannel) {

    public static QuantizationOptions dynamic() {
        return new QuantizationOptions(QuantizationMode.DYNAMIC, true);
    }
}
