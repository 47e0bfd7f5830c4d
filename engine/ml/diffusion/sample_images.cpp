#include "ml/diffusion/sample_images.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/png_image.h"

namespace cw::ml {

Image sampleTile(const ImageStack& stack, int index) {
    if (index < 0 || index >= stack.count) throw ValueError("sample index out of range");
    const int separator = stack.channels > 1 ? 1 : 0;
    Image tile(stack.height, stack.channels * stack.width + (stack.channels - 1) * separator, 1.0f);
    const float* item = stack.values.data() + static_cast<std::size_t>(index) * stack.itemSize();
    for (int c = 0; c < stack.channels; ++c)
        for (int y = 0; y < stack.height; ++y)
            for (int x = 0; x < stack.width; ++x)
                tile(y, c * (stack.width + separator) + x) =
                    std::clamp(item[(static_cast<std::size_t>(c) * stack.height + y) * stack.width + x],
                               0.0f, 1.0f);
    return tile;
}

Image sampleGrid(const ImageStack& stack) {
    if (stack.count <= 0) throw ValueError("an empty sample stack has no grid");
    constexpr int kGutter = 2;
    const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(stack.count))));
    const int rows = (stack.count + columns - 1) / columns;
    const Image first = sampleTile(stack, 0);
    Image grid(rows * first.rows + (rows + 1) * kGutter, columns * first.cols + (columns + 1) * kGutter,
               1.0f);
    for (int i = 0; i < stack.count; ++i) {
        const Image tile = i == 0 ? first : sampleTile(stack, i);
        const int top = kGutter + (i / columns) * (tile.rows + kGutter);
        const int left = kGutter + (i % columns) * (tile.cols + kGutter);
        for (int y = 0; y < tile.rows; ++y)
            for (int x = 0; x < tile.cols; ++x) grid(top + y, left + x) = tile(y, x);
    }
    return grid;
}

void writeSampleGrid(const std::string& pngPath, const ImageStack& stack) {
    writePngGray(pngPath, sampleGrid(stack), 8);
}

}  // namespace cw::ml
