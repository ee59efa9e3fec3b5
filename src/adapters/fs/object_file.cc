#include "adapters/fs/object_file.h"

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "adapters/fs/posix_file.h"

namespace deltaglider::fs_internal {
namespace {

using Json = nlohmann::json;

Error Corrupted(std::string_view what, std::string_view why) {
  return MakeError(ErrorCode::kCorrupted, what, ": damaged object header: ", why);
}

std::array<char, 4> LittleEndian(uint32_t value) {
  return {static_cast<char>(value & 0xff), static_cast<char>((value >> 8) & 0xff),
          static_cast<char>((value >> 16) & 0xff), static_cast<char>((value >> 24) & 0xff)};
}

uint32_t FromLittleEndian(const std::byte* bytes) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | std::to_integer<uint32_t>(bytes[i]);
  return value;
}

// Fills `header` from parsed JSON; false if a required field is missing or mistyped.
// Unknown fields are ignored so later versions may add some.
bool FromJson(const Json& json, ObjectHeader& header) {
  if (!json.is_object()) return false;
  auto metadata = json.find("metadata");
  auto content_type = json.find("content_type");
  auto etag = json.find("etag");
  auto size = json.find("size");
  if (metadata == json.end() || !metadata->is_object() || content_type == json.end() ||
      !content_type->is_string() || etag == json.end() || !etag->is_string() ||
      size == json.end() || !size->is_number_unsigned()) {
    return false;
  }
  for (const auto& [name, value] : metadata->items()) {
    if (!value.is_string()) return false;
    header.metadata[name] = value.get<std::string>();
  }
  header.content_type = content_type->get<std::string>();
  header.etag = etag->get<std::string>();
  header.size = size->get<uint64_t>();
  return true;
}

}  // namespace

Status ValidateKey(std::string_view key) {
  auto bad = [key](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid key '",
                     key.substr(0, std::min<size_t>(key.size(), 100)), "': ", why);
  };
  if (key.empty()) return bad("empty");
  if (key.size() > kMaxKeyBytes) return bad("longer than 1024 bytes");
  if (key.find('\0') != std::string_view::npos) return bad("contains a NUL byte");
  if (key.front() == '/') return bad("starts with '/'");
  size_t start = 0;
  for (;;) {
    const size_t slash = key.find('/', start);
    const std::string_view segment = key.substr(start, slash - start);
    if (segment.empty()) return bad("empty path segment ('//' or a trailing '/')");
    if (segment == "." || segment == "..") return bad("'.' or '..' path segment");
    if (slash == std::string_view::npos) return OkStatus();
    start = slash + 1;
  }
}

Result<std::string> EncodeHeader(const ObjectHeader& header, size_t min_json_bytes) {
  const Json json = {{"metadata", header.metadata},
                     {"content_type", header.content_type},
                     {"etag", header.etag},
                     {"size", header.size}};
  std::string text;
  try {
    text = json.dump();
  } catch (const Json::exception&) {  // invalid UTF-8; never crosses the API
    return MakeError(ErrorCode::kInvalidArgument, "metadata or content type is not valid UTF-8");
  }
  if (text.size() < min_json_bytes) text.append(min_json_bytes - text.size(), ' ');
  if (text.size() > kMaxHeaderJson) {
    return MakeError(ErrorCode::kInvalidArgument, "metadata larger than 1 MiB");
  }
  std::string encoded(kObjectMagic.begin(), kObjectMagic.end());
  const auto length = LittleEndian(static_cast<uint32_t>(text.size()));
  encoded.append(length.begin(), length.end());
  encoded += text;
  return encoded;
}

Result<std::string> PlaceholderHeader(const PutOptions& options) {
  ObjectHeader widest;
  widest.metadata = options.metadata;
  widest.content_type = options.content_type;
  widest.etag = std::string(32, '0');
  widest.size = std::numeric_limits<uint64_t>::max();
  return EncodeHeader(widest);
}

Result<DecodedObject> ReadObjectHeader(int fd, uint64_t file_size, std::string_view what) {
  DecodedObject object;
  std::array<std::byte, kPrefixBytes> prefix{};
  if (file_size >= kPrefixBytes) DG_RETURN_IF_ERROR(PreadExactly(fd, prefix, 0, what));
  const bool has_magic = file_size >= kPrefixBytes &&
                         std::memcmp(prefix.data(), kObjectMagic.data(), kObjectMagic.size()) == 0;
  if (!has_magic) {
    object.plain = true;
    object.header.size = file_size;
    object.header.content_type = "application/octet-stream";
    return object;
  }
  const uint32_t json_bytes = FromLittleEndian(prefix.data() + kObjectMagic.size());
  if (json_bytes > kMaxHeaderJson || kPrefixBytes + json_bytes > file_size) {
    return Corrupted(what, "header length out of range");
  }
  std::string text(json_bytes, '\0');
  DG_RETURN_IF_ERROR(PreadExactly(fd, std::as_writable_bytes(std::span(text)), kPrefixBytes, what));
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!FromJson(json, object.header)) return Corrupted(what, "unreadable JSON");
  object.data_offset = kPrefixBytes + json_bytes;
  if (object.data_offset + object.header.size != file_size) {
    return Corrupted(what, "size " + std::to_string(object.header.size) + " does not match " +
                               std::to_string(file_size - object.data_offset) + " stored bytes");
  }
  return object;
}

}  // namespace deltaglider::fs_internal
