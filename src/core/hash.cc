#include "core/hash.h"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

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

Result<SourceDigest> Sha256OfSource(ByteSource& source) {
  HashingSink sink(Hasher::Algorithm::kSha256, nullptr);
  DG_RETURN_IF_ERROR(Copy(source, sink));
  return SourceDigest{sink.HexDigest(), sink.count()};
}

}  // namespace deltaglider
