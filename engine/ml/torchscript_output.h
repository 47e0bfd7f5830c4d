#pragma once
/// @file Reading the output of a user-supplied TorchScript feature network, shared by the FID
/// extractor (learned_features.cpp) and the property backbone (props_model.cpp). Includes
/// torch: use only in ml .cpp files.

#include <torch/script.h>

#include <cstdint>
#include <string>

#include "core/error.h"

namespace cw::ml {

/// "2×3×64×64".
inline std::string tensorShapeText(const torch::Tensor& x) {
    std::string text;
    for (std::int64_t size : x.sizes()) text += (text.empty() ? "" : "×") + std::to_string(size);
    return text;
}

/// The features of a batch of `batch` images as float rows [batch, F]: the output may be a
/// tensor [batch, …] (N×F, N×F×1×1, any trailing shape is flattened) or a tuple/list whose last
/// element is one, recursively (pytorch-fid returns the list of the requested blocks' outputs,
/// the deepest last). `path` names the module in messages. Throws cw::Error for an empty
/// tuple/list, a non-tensor, or a tensor whose first dimension is not `batch`.
inline torch::Tensor torchScriptFeatureRows(c10::IValue output, std::int64_t batch, const std::string& path) {
    while (output.isTuple() || output.isList()) {
        if (output.isTuple()) {
            const auto& elements = output.toTupleRef().elements();
            if (elements.empty()) throw Error(path + ": the module returned an empty tuple");
            output = elements.back();
        } else {
            const c10::List<c10::IValue> list = output.toList();
            if (list.empty()) throw Error(path + ": the module returned an empty list");
            output = list.get(list.size() - 1);
        }
    }
    if (!output.isTensor()) throw Error(path + ": the module returned " + output.tagKind() + ", not a tensor");
    const torch::Tensor tensor = output.toTensor();
    if (tensor.dim() < 1 || tensor.size(0) != batch)
        throw Error(path + ": the module returned a tensor of shape " + tensorShapeText(tensor) + " for a batch of " +
                    std::to_string(batch));
    return tensor.reshape({batch, -1}).to(torch::kFloat32);
}

}  // namespace cw::ml
