// VcdiffDeltaCodec: the "xdelta3" DeltaCodec adapter around DecodeVcdiff. It is
// stateless (each Decode builds its own decoder), so one instance may serve
// concurrent calls.
#include <string>

#include "codec/vcdiff/decoder.h"
#include "deltaglider/vcdiff.h"

namespace deltaglider {
namespace {

class VcdiffDeltaCodec final : public DeltaCodec {
 public:
  std::string_view name() const override { return "xdelta3"; }

  std::string CommandLine(std::string_view target_name) const override {
    const std::string target(target_name);
    return "xdelta3 -e -9 -s reference.bin " + target + " " + target + ".delta";
  }

  Status Encode(std::span<const std::byte> /*reference*/, ByteSource& /*target*/,
                ByteSink& /*delta*/) const override {
    return MakeError(ErrorCode::kUnsupported,
                     "xdelta3: encoding VCDIFF in-process is not supported; "
                     "this codec only decodes deltas written by xdelta3");
  }

  Status Decode(std::span<const std::byte> reference, ByteSource& delta,
                ByteSink& target) const override {
    return vcdiff::DecodeVcdiff(reference, delta, target);
  }
};

}  // namespace

std::unique_ptr<DeltaCodec> NewVcdiffDeltaCodec() { return std::make_unique<VcdiffDeltaCodec>(); }

}  // namespace deltaglider
