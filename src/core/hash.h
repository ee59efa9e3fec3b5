// Streaming SHA256 and MD5 (OpenSSL EVP) with lower-case hex output. SHA256 is the
// integrity check of every logical file; MD5 makes S3-style ETags.
// Not thread-safe: one Hasher per stream.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "deltaglider/stream.h"

namespace deltaglider {

class Hasher {
 public:
  enum class Algorithm { kSha256, kMd5 };
  explicit Hasher(Algorithm algorithm);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void Update(std::span<const std::byte> data);
  // The digest of everything so far, as lower-case hex. Ends the hasher.
  std::string HexDigest();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string Sha256Hex(std::span<const std::byte> data);

// True for 64 lower-case hex digits.
bool IsSha256Hex(std::string_view text);

// A sink that hashes what passes through it and forwards it to `next` (if any).
class HashingSink final : public ByteSink {
 public:
  HashingSink(Hasher::Algorithm algorithm, ByteSink* next) : hasher_(algorithm), next_(next) {}
  Status Write(std::span<const std::byte> data) override;
  uint64_t count() const { return count_; }
  std::string HexDigest() { return hasher_.HexDigest(); }

 private:
  Hasher hasher_;
  ByteSink* next_;
  uint64_t count_ = 0;
};

// Hashes a whole source from its current position in one read: SHA256 (the
// integrity check) and, when asked, MD5 (the ETag S3 would give a single-part
// upload; on a second thread, chunk by chunk), as hex, and its size.
struct SourceDigest {
  std::string sha256;
  uint64_t size = 0;
  std::string md5;  // empty unless asked for
};
Result<SourceDigest> DigestOfSource(ByteSource& source, bool md5 = true);

// Up to this size a source's MD5 is cheaper on the reading thread than on another.
inline constexpr uint64_t kSmallSource = 4 << 20;

}  // namespace deltaglider
