// CodecRegistry: picks a DeltaCodec by the first word of a `dg-delta-cmd`.
#include <cctype>

#include "deltaglider/codecs.h"

namespace deltaglider {
namespace {

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string_view CodecNameOf(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && IsSpace(text[begin])) ++begin;
  size_t end = begin;
  while (end < text.size() && !IsSpace(text[end])) ++end;
  return text.substr(begin, end - begin);
}

// A codec added under a name already present replaces the earlier one.
void CodecRegistry::Add(std::unique_ptr<DeltaCodec> codec) {
  for (auto& existing : codecs_) {
    if (existing->name() == codec->name()) {
      existing = std::move(codec);
      return;
    }
  }
  codecs_.push_back(std::move(codec));
}

Result<const DeltaCodec*> CodecRegistry::ForCommand(std::string_view delta_cmd) const {
  const std::string_view name = CodecNameOf(delta_cmd);
  for (const auto& codec : codecs_) {
    if (codec->name() == name) return static_cast<const DeltaCodec*>(codec.get());
  }
  return MakeError(ErrorCode::kUnsupported, "unknown delta codec '", name, "' in dg-delta-cmd");
}

}  // namespace deltaglider
