#pragma once
/// @file PNG images of slices: 8- and 16-bit grayscale and 8-bit RGB writing (zlib deflate and
/// CRC-32 per the PNG specification, ISO/IEC 15948; stb_image_write has no 16-bit), reading of
/// 8- and 16-bit PNGs through stb_image, and colour maps for figures.

#include <cstdint>
#include <string>
#include <vector>

#include "core/image.h"

namespace cw {

/// Colour maps for figures: matplotlib's viridis and magma (256-entry tables from matplotlib's
/// `_cm_listed.py`, CC0, by van der Walt and Smith) and plain gray.
enum class ColorMap { Gray, Viridis, Magma };

/// "gray", "viridis", "magma". Throws ConfigError naming the choices for anything else.
ColorMap parseColorMap(const std::string& name);

/// The PNG file bytes of `width` × `height` pixels with `channels` (1 gray, 3 RGB) samples each,
/// row-major from the top row. bitDepth 8 reads `samples8`, 16 reads `samples16` (host order;
/// written big-endian as PNG requires). Throws ValueError for a size or length mismatch or an
/// unsupported combination (16-bit RGB is not offered).
std::string encodePng(int width, int height, int channels, int bitDepth,
                      const std::uint8_t* samples8, const std::uint16_t* samples16 = nullptr);

/// 8-bit quantisation of a [0, 1] image: round(255·clamp(I, 0, 1)) per docs/spec/ecd-slices.md.
std::vector<std::uint8_t> quantize8(const Image& image);
/// 16-bit quantisation: round(65535·clamp(I, 0, 1)).
std::vector<std::uint16_t> quantize16(const Image& image);

/// Writes a [0, 1] image as 8- or 16-bit grayscale PNG (atomically). Throws ValueError for a
/// bit depth other than 8 or 16, IoError.
void writePngGray(const std::string& path, const Image& image, int bitDepth = 8);

/// RGB bytes (3 per pixel) of a [0, 1] image through a colour map: entry round(255·clamp(I)).
std::vector<std::uint8_t> applyColorMap(const Image& image, ColorMap map);
/// Writes an 8-bit RGB PNG of the image through the colour map. Throws IoError.
void writePngColor(const std::string& path, const Image& image, ColorMap map);

/// A decoded PNG: samples row-major, `channels` per pixel, 8-bit values also held in the uint16
/// vector (0…255), bitDepth 8 or 16.
struct PngPixels {
    int width = 0;
    int height = 0;
    int channels = 0;
    int bitDepth = 8;
    std::vector<std::uint16_t> samples;
};

/// Reads an 8- or 16-bit PNG (any colour type stb_image decodes; channels as stored, palette
/// expanded to RGB). Throws IoError (cannot open), FormatError (stb_image's reason).
PngPixels readPng(const std::string& path);

/// Reads a grayscale PNG as an Image in [0, 1] (sample / 255 or / 65535). Colour images are
/// rejected with FormatError. Throws as readPng.
Image readPngGray(const std::string& path);

}  // namespace cw
