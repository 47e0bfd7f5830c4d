// cwb eval count: atoms per slice (blob counting, docs/spec/metrics.md) for .npy images, .npy stacks
// (as `cwb diffusion sample` writes them) and grayscale PNGs. A file that cannot be read is
// reported and skipped; the others are still counted.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands/command.h"
#include "core/error.h"
#include "eval/eval_images.h"
#include "metrics/blob_count.h"

namespace cw::cli {
namespace {

struct CountOptions {
    std::vector<std::string> files;
    BlobCountOptions blobs;
    double blobSigmaPx = 0;  // 0: the slices' default 0.25 Å at 40 Å over the image width
    std::string method = "fit";
    bool json = false;
};

/// One image of a file; `index` is set for items of a stack.
struct FileItem {
    std::optional<std::size_t> index;
    Image image;
};

/// The images of a file as engine/eval reads them ((H, W) one image; (K, H, W) and
/// (K, 1, H, W) stacks; integer samples scaled to [0, 1]). Counting takes one channel, so a
/// multi-channel stack is refused. Throws IoError / FormatError naming the file.
std::vector<FileItem> readItems(const std::string& path) {
    EvalImages stack;
    appendImageFile(path, stack);
    if (stack.channels != 1) {
        throw FormatError(path, "header",
                          "shape (" + std::to_string(stack.count()) + ", " +
                              std::to_string(stack.channels) + ", " + std::to_string(stack.height) +
                              ", " + std::to_string(stack.width) +
                              ") is not an image (H, W) or a stack (K, H, W) or (K, 1, H, W)");
    }
    const bool single = stack.count() == 1 && stack.names[0] == path;
    std::vector<FileItem> items;
    items.reserve(stack.count());
    for (std::size_t k = 0; k < stack.count(); ++k) {
        items.push_back({single ? std::nullopt : std::optional<std::size_t>(k), stack.channelImage(k)});
    }
    return items;
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
                BlobCountOptions counting = o.blobs;
                counting.method = parseBlobMethod(o.method);
                counting.blobSigma = o.blobSigmaPx > 0 ? o.blobSigmaPx : 0.25 * item.image.cols / 40.0;
                const std::vector<Blob> blobs = findBlobs(item.image, counting);
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
    cmd->add_option("--blob-sigma-px", o->blobSigmaPx,
                    "Gaussian σ of one blob (pixels); 0: 0.25 Å at 40 Å over the image width "
                    "(1.6 px at 256², 0.4 px at 64²)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--blob-method", o->method,
                    "fit: model the image as clamped Gaussians (splits touching atoms); peaks: "
                    "local maxima only (fast)")
        ->check(CLI::IsMember({"fit", "peaks"}))
        ->capture_default_str();
    cmd->add_option("--amplitude", o->blobs.amplitude,
                    "fit: the blobs' peak height (1 for uniform slices); 0: fit each blob's height "
                    "(the z amplitude model)")
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
