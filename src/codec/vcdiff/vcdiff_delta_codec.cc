// VcdiffDeltaCodec: the "xdelta3" DeltaCodec adapter around DecodeVcdiff. It is
// stateless (each Decode builds its own decoder), so one instance may serve
// concurrent calls.
//
// Deltas the Python DeltaGlider made of .tgz files without -D hold the gunzipped
// tar (xdelta3 tags them "/G/"); that tool then re-gzipped them differently, so
// they never gave the original back. We rebuild the gzip bytes the way the
// reference itself was made: its gzip header and the deflate profile that
// reproduces its stream. The caller's SHA256 check decides whether that was the
// original; a mismatch is an error, never wrong bytes handed out.
#include "codec/vcdiff/vcdiff_delta_codec.h"

#include <string>

#include "codec/deflate/deflate.h"
#include "codec/gzip/gzip_file.h"
#include "codec/inflate_raw.h"
#include "codec/vcdiff/decoder.h"
#include "deltaglider/vcdiff.h"

namespace deltaglider {
namespace {

class VcdiffDeltaCodec final : public DeltaCodec {
 public:
  explicit VcdiffDeltaCodec(VcdiffEncoder encoder) : encoder_(encoder) {}

  std::string_view name() const override { return "xdelta3"; }

  std::string CommandLine(std::string_view target_name) const override {
    const std::string target(target_name);
    return "xdelta3 -e -9 -s reference.bin " + target + " " + target + ".delta";
  }

  Status Encode(std::span<const std::byte> reference, ByteSource& target,
                ByteSink& delta) const override {
    if (encoder_ != nullptr) return encoder_(reference, target, delta);
    return MakeError(ErrorCode::kUnsupported,
                     "xdelta3: encoding VCDIFF in-process is not supported; "
                     "this codec only decodes deltas written by xdelta3");
  }

  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    std::string tagged;
    Status status = vcdiff::DecodeVcdiff(reference, delta, target,
                                         {.ignore_external_compression = false,
                                          .external_compression = &tagged});
    if (status.ok() || tagged != "gzip") return status;
    Status rebuilt = RegzipLikeTheReference(reference, delta, target);
    if (rebuilt.ok()) return rebuilt;
    return status.error().Wrap(rebuilt.message());
  }

 private:
  // Decodes a "/G/" delta against the gunzipped reference and gzips the result
  // with the reference's header and deflate profile.
  static Status RegzipLikeTheReference(std::span<const std::byte> reference, ByteSource& delta,
                                       ByteSink& target) {
    auto cannot = [](std::string_view why) {
      return MakeError(ErrorCode::kUnsupported, "rebuilding its gzip bytes: ", why);
    };
    Result<GzipFile> ref = ParseGzip(reference);
    if (!ref.ok() || ref->members.size() != 1) return cannot("the reference is not a one-member gzip file");
    const GzipMember& member = ref->members.front();
    Result<DeflateProfile> profile = FindDeflateProfile(ref->payload, member.stream);
    if (!profile.ok()) return cannot("no known deflater reproduces the reference");
    DG_RETURN_IF_ERROR(delta.Rewind());
    VectorSink payload(kMaxGzipPayloadTotal);
    DG_RETURN_IF_ERROR(vcdiff::DecodeVcdiff(ref->payload, delta, payload,
                                            {.ignore_external_compression = true,
                                             .external_compression = nullptr}));
    DG_RETURN_IF_ERROR(target.Write(member.header));
    DG_RETURN_IF_ERROR(Deflate(payload.bytes(), *profile, target));
    const uint32_t crc = Crc32(payload.bytes());
    const auto size = static_cast<uint32_t>(payload.bytes().size());
    const std::byte trailer[8] = {
        std::byte(crc), std::byte(crc >> 8), std::byte(crc >> 16), std::byte(crc >> 24),
        std::byte(size), std::byte(size >> 8), std::byte(size >> 16), std::byte(size >> 24)};
    return target.Write(trailer);
  }

  VcdiffEncoder encoder_;
};

}  // namespace

std::unique_ptr<DeltaCodec> NewVcdiffDeltaCodec() { return NewVcdiffDeltaCodec(nullptr); }

std::unique_ptr<DeltaCodec> NewVcdiffDeltaCodec(VcdiffEncoder encoder) {
  return std::make_unique<VcdiffDeltaCodec>(encoder);
}

}  // namespace deltaglider
