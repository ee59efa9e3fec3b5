// The on-disk encoding of one object in the directory store, and the key rules
// that keep every object inside its bucket directory (docs/format-filesystem.md):
//
//   "\x89DGOBJ\r\n" | u32 little-endian N | N bytes of JSON header | object bytes
//
// Pure encoding, decoding and validation: nothing here creates, renames or removes
// files, and nothing may ever accept a key that could name a path outside the
// bucket directory.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "deltaglider/result.h"
#include "deltaglider/types.h"

namespace deltaglider::fs_internal {

inline constexpr std::array<char, 8> kObjectMagic = {'\x89', 'D', 'G', 'O', 'B', 'J', '\r', '\n'};
// Magic plus the u32 header length.
inline constexpr size_t kPrefixBytes = kObjectMagic.size() + 4;
// Headers longer than this are treated as damage (S3 allows 2 KB of metadata).
inline constexpr uint32_t kMaxHeaderJson = 1 << 20;
inline constexpr size_t kMaxKeyBytes = 1024;

// kInvalidArgument, naming the rule, unless `key` is 1..1024 bytes of '/'-separated
// segments none of which is empty, "." or "..", with no NUL byte. A valid key,
// appended to a directory, names a path inside that directory.
Status ValidateKey(std::string_view key);

// The JSON header of an object with the magic.
struct ObjectHeader {
  Metadata metadata;
  std::string content_type;
  std::string etag;  // lower-case MD5 hex of the object bytes
  uint64_t size = 0;
};

// Magic, length and JSON for `header`; the JSON is padded with spaces to at least
// `min_json_bytes`. kInvalidArgument if metadata or content type are not UTF-8.
Result<std::string> EncodeHeader(const ObjectHeader& header, size_t min_json_bytes = 0);

// A header as long as the final one will be for any size and etag, written before
// the body (whose size and MD5 are not known yet) and overwritten after it:
// EncodeHeader(final, PlaceholderJsonBytes(placeholder)) has the same length.
Result<std::string> PlaceholderHeader(const PutOptions& options);
inline size_t PlaceholderJsonBytes(const std::string& placeholder) {
  return placeholder.size() - kPrefixBytes;
}

// What a file in a bucket directory holds.
struct DecodedObject {
  ObjectHeader header;
  bool plain = false;        // no magic: the whole file is the object, etag unknown
  uint64_t data_offset = 0;  // where the object bytes start in the file
};

// Reads the header of an open file of `file_size` bytes (`what` names it in
// errors). A file without the magic is a plain object. kCorrupted when the header
// is unreadable or the file is not exactly prefix + header + size bytes long.
Result<DecodedObject> ReadObjectHeader(int fd, uint64_t file_size, std::string_view what);

}  // namespace deltaglider::fs_internal
