#pragma once
/// @file Internal to blob counting: refining a set of candidate blobs by fitting the clamped sum
/// of Gaussians to the image (see blob_count.h, BlobMethod::Fit).

#include <vector>

#include "core/image.h"
#include "metrics/blob_count.h"

namespace cw::detail {

/// Fits `candidates` (any centres, also outside the image) to `image`, adding and removing
/// blobs as the residual asks; returns every fitted blob, inside the image or not.
std::vector<Blob> fitBlobs(const Image& image, std::vector<Blob> candidates,
                           const BlobCountOptions& options);

}  // namespace cw::detail
