// cwb eval count: atoms per slice (blob counting, docs metrics.md) for .npy images, .npy stacks
// (as `cwb diffusion sample` writes them) and grayscale PNGs. A file that cannot be read is
// reported and skipped; the others are still counted.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands/command.h"
#include "core/error.h"
#include "core/npy.h"
#include "core/png_image.h"
#include "metrics/blob_count.h"

namespace cw::cli {
namespace {

struct CountOptions {
    std::vector<std::string> files;
    BlobCountOptions blobs;
    bool json = false;
};

/// One image of a file; `index` is set for items of a stack.
struct FileItem {
    std::optional<std::size_t> index;
    Image image;
};

std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

/// Item `k` of `count` equal items of `a` as an image in [0, 1]: integer arrays are scaled by
/// their full range (255, 65535) as PNG samples are, so one threshold serves all inputs.
Image npyItem(const NpyArray& a, std::size_t k, int rows, int cols) {
    Image image(rows, cols);
    const std::size_t n = image.size(), start = k * n;
    for (std::size_t i = 0; i < n; ++i) {
        switch (a.dtype) {
        case NpyDtype::Float32: image.data[i] = a.f32[start + i]; break;
        case NpyDtype::UInt8: image.data[i] = a.u8[start + i] / 255.0f; break;
        case NpyDtype::UInt16: image.data[i] = a.u16[start + i] / 65535.0f; break;
        }
    }
    return image;
}

std::string shapeText(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

/// (H, W) → one image; (K, H, W) or (K, 1, H, W) → K indexed images. Throws as readNpy, and
/// FormatError for any other shape.
std::vector<FileItem> readNpyItems(const std::string& path) {
    const NpyArray a = readNpy(path);
    const std::vector<std::size_t>& s = a.shape;
    const bool single = s.size() == 2;
    const bool stack = s.size() == 3 || (s.size() == 4 && s[1] == 1);
    if (!single && !stack) {
        throw FormatError(path, "header",
                          "shape " + shapeText(s) +
                              " is not an image (H, W) or a stack (K, H, W) or (K, 1, H, W)");
    }
    const std::size_t rows = s[s.size() - 2], cols = s.back();
    const std::size_t count = single ? 1 : s[0];
    std::vector<FileItem> items;
    items.reserve(count);
    for (std::size_t k = 0; k < count; ++k) {
        items.push_back({single ? std::nullopt : std::optional<std::size_t>(k),
                         npyItem(a, k, static_cast<int>(rows), static_cast<int>(cols))});
    }
    return items;
}

std::vector<FileItem> readItems(const std::string& path) {
    const std::string ext = lowerExtension(path);
    if (ext == ".npy") return readNpyItems(path);
    if (ext == ".png") {
        std::vector<FileItem> items;
        items.push_back({std::nullopt, readPngGray(path)});
        return items;
    }
    throw FormatError(path, "", "not an image: the name must end in .npy or .png");
}

void printItem(const std::string& file, const FileItem& item, const std::vector<Blob>& blobs,
               bool json) {
    if (json) {
        nlohmann::json j;
        j["file"] = file;
        if (item.index) j["index"] = *item.index;
        j["count"] = blobs.size();
        nlohmann::json positions = nlohmann::json::array();
        for (const Blob& b : blobs) positions.push_back({b.row, b.col});
        j["blobs"] = std::move(positions);
        std::cout << j.dump() << '\n';
        return;
    }
    std::string name = file;
    if (item.index) name += "[" + std::to_string(*item.index) + "]";
    std::cout << name << ' ' << blobs.size() << '\n';
}

/// The engine's messages already start with the file for IoError and FormatError; others
/// (a ValueError for an empty image) get it prefixed.
std::string withFile(const std::string& file, const std::string& message) {
    return message.rfind(file, 0) == 0 ? message : file + ": " + message;
}

int runCount(const CountOptions& o) {
    std::size_t images = 0, failed = 0;
    double total = 0;
    for (const std::string& file : o.files) {
        try {
            for (const FileItem& item : readItems(file)) {
                const std::vector<Blob> blobs = findBlobs(item.image, o.blobs);
                printItem(file, item, blobs, o.json);
                ++images;
                total += static_cast<double>(blobs.size());
            }
        } catch (const Error& e) {
            std::cout.flush();
            std::cerr << "cwb: skipped " << withFile(file, e.what()) << '\n';
            ++failed;
        }
    }
    if (!o.json) {
        std::printf("images %zu, mean count %.6g\n", images, images ? total / images : 0.0);
        if (failed) std::printf("failed files %zu\n", failed);
    }
    std::fflush(stdout);
    return failed ? kExitBadInput : kExitOk;
}

}  // namespace

void addEvalCountCommand(CLI::App& eval) {
    auto o = std::make_shared<CountOptions>();
    CLI::App* cmd = eval.add_subcommand(
        "count", "Atoms per slice: count the Gaussian blobs of each image (.npy or PNG)");
    cmd->add_option("images", o->files,
                    "Images: .npy (H,W), stacks (K,H,W) or (K,1,H,W), 8/16-bit gray PNG; integer "
                    ".npy and PNG samples are scaled to [0, 1]")
        ->required();
    cmd->add_option("--blob-sigma-px", o->blobs.blobSigma,
                    "Gaussian σ of one blob (pixels; 0.25 Å at 40 Å / 256 px = 1.6), used to place "
                    "blobs on the border")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--smoothing-sigma-px", o->blobs.smoothingSigma,
                    "σ of the Gaussian smoothing applied first (pixels; 0: none)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--threshold", o->blobs.threshold,
                    "A maximum counts when the (smoothed) value is at least this")
        ->capture_default_str();
    cmd->add_flag("--json", o->json,
                  "One JSON object per image: file, index (stacks), count, blobs [[row, col], …]");
    setAction(cmd, [o] { return runCount(*o); });
}

}  // namespace cw::cli
