#include "core/hash.h"

#include <openssl/evp.h>

#include <array>
#include <future>
#include <stdexcept>
#include <vector>

namespace deltaglider {

struct Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Hasher::Hasher(Algorithm algorithm) : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  const EVP_MD* type = algorithm == Algorithm::kSha256 ? EVP_sha256() : EVP_md5();
  if (ctx_->md == nullptr || EVP_DigestInit_ex(ctx_->md, type, nullptr) != 1) {
    throw std::bad_alloc();  // only when OpenSSL cannot allocate; never crosses the API
  }
}

Hasher::~Hasher() = default;

void Hasher::Update(std::span<const std::byte> data) {
  EVP_DigestUpdate(ctx_->md, data.data(), data.size());
}

std::string Hasher::HexDigest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_->md, digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

std::string Sha256Hex(std::span<const std::byte> data) {
  Hasher hasher(Hasher::Algorithm::kSha256);
  hasher.Update(data);
  return hasher.HexDigest();
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status HashingSink::Write(std::span<const std::byte> data) {
  hasher_.Update(data);
  count_ += data.size();
  return next_ != nullptr ? next_->Write(data) : OkStatus();
}

Result<SourceDigest> DigestOfSource(ByteSource& source, bool with_md5) {
  const bool small = source.size() && *source.size() <= kSmallSource;
  // A small source in one read (and one more that finds the end); else 1 MiB at a time.
  const size_t chunk = small ? static_cast<size_t>(*source.size()) + 1 : size_t{1} << 20;
  std::vector<std::byte> chunks[2] = {std::vector<std::byte>(chunk),
                                      std::vector<std::byte>(small ? 0 : chunk)};
  Hasher sha256(Hasher::Algorithm::kSha256);
  Hasher md5(Hasher::Algorithm::kMd5);
  uint64_t size = 0;
  std::future<void> md5_of_last;  // declared last: an early return waits for it first
  for (size_t next = 0;; next ^= small ? 0 : 1) {
    DG_ASSIGN_OR_RETURN(const size_t got, source.Read(chunks[next]));
    if (md5_of_last.valid()) md5_of_last.get();
    if (got == 0) break;
    const std::span<const std::byte> data(chunks[next].data(), got);
    if (with_md5 && small) {
      md5.Update(data);  // cheaper than a thread
    } else if (with_md5) {
      md5_of_last = std::async(std::launch::async, [&md5, data] { md5.Update(data); });
    }
    sha256.Update(data);
    size += got;
  }
  return SourceDigest{sha256.HexDigest(), size, with_md5 ? md5.HexDigest() : ""};
}

}  // namespace deltaglider
