#pragma once
/// @file The files of a finished data set as ImageSet reads them (internal to the engine):
/// dataset.json's description of the items, and the shards, checked against it at open and
/// memory-mapped on first use.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/mapped_file.h"
#include "core/npy.h"
#include "dataset/image_set.h"

namespace cw {

/// What dataset.json says about the items.
struct StoredLayout {
    ImageSetKind kind = ImageSetKind::EcdSlices;
    NpyDtype dtype = NpyDtype::Float32;
    std::vector<std::size_t> itemShape;  // (n, n) or (n, n, C) channels last
    std::string table;
    std::string rowsKey;
    std::string encodingJson;  ///< EncodingSpec::toJson of an encoding data set, else empty
};

/// One shard: validated at open, memory-mapped on first use (mapShard).
struct StoredShard {
    std::string path;
    std::size_t rows = 0;
    NpyHeader header;
    // Not std::call_once: libstdc++'s call_once can hang after the callable threw (GCC PR
    // 66146), and a damaged shard throws on every attempt.
    std::mutex mapMutex;
    std::unique_ptr<MappedFile> map;
    std::atomic<const MappedFile*> mapped{nullptr};
};

/// A data set's description and shards.
struct StoredImages {
    StoredLayout layout;
    std::vector<std::unique_ptr<StoredShard>> shards;
};

/// Reads `directory`/dataset.json (an ECD or encoding data set) and checks every shard's
/// header and size against it. Throws IoError (no such directory, a missing shard), ConfigError
/// (an unfinished build: the message names the command that finishes it; another format; raw
/// CrysTens values), FormatError (malformed dataset.json; a shard of another dtype or shape, or
/// truncated).
StoredImages openStoredImages(const std::string& directory);

/// The shard's memory map, made on first use. Thread-safe. Throws IoError, FormatError (the
/// file was cut since it was opened: it would otherwise fault on access).
const MappedFile& mapShard(StoredShard& shard);

}  // namespace cw
