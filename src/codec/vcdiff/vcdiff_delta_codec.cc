// VcdiffDeltaCodec: the "xdelta3" DeltaCodec adapter around DecodeVcdiff. It is
// stateless (each Decode builds its own decoder), so one instance may serve
// concurrent calls.
#include <string>

#include "codec/vcdiff/decoder.h"
#include "codec/vcdiff/xdelta3_program.h"
#include "deltaglider/vcdiff.h"

namespace deltaglider {
namespace {

class VcdiffDeltaCodec final : public DeltaCodec {
 public:
  explicit VcdiffDeltaCodec(bool encode_with_program) : encode_with_program_(encode_with_program) {}

  std::string_view name() const override { return "xdelta3"; }

  std::string CommandLine(std::string_view target_name) const override {
    const std::string target(target_name);
    return "xdelta3 -e -9 -s reference.bin " + target + " " + target + ".delta";
  }

  Status Encode(std::span<const std::byte> reference, ByteSource& target,
                ByteSink& delta) const override {
    if (encode_with_program_) return EncodeWithXdelta3Program(reference, target, delta);
    return MakeError(ErrorCode::kUnsupported,
                     "xdelta3: encoding VCDIFF in-process is not supported; "
                     "this codec only decodes deltas written by xdelta3");
  }

  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    return vcdiff::DecodeVcdiff(reference, delta, target);
  }

 private:
  bool encode_with_program_;
};

}  // namespace

std::unique_ptr<DeltaCodec> NewVcdiffDeltaCodec() { return std::make_unique<VcdiffDeltaCodec>(false); }

std::unique_ptr<DeltaCodec> NewXdelta3Codec() { return std::make_unique<VcdiffDeltaCodec>(true); }

}  // namespace deltaglider
