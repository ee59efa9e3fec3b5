// The file-level VCDIFF decoder: header, then windows until the input ends.
// Layout and limits follow RFC 3284 and xdelta3 3.0.11's extensions (application
// header, Adler-32 window checksums, LZMA secondary compression: docs/format.md);
// instruction execution lives in window.cc.
#include "codec/vcdiff/decoder.h"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/vcdiff/adler32.h"
#include "codec/vcdiff/app_header.h"
#include "codec/vcdiff/delta_reader.h"
#include "codec/vcdiff/lzma_section.h"
#include "codec/vcdiff/target_history.h"
#include "codec/vcdiff/varint.h"
#include "codec/vcdiff/window.h"

namespace deltaglider::vcdiff {
namespace {

constexpr uint8_t kMagic[3] = {0xD6, 0xC3, 0xC4};

// Header indicator bits.
constexpr uint8_t kHdrSecondary = 0x01;
constexpr uint8_t kHdrCodeTable = 0x02;
constexpr uint8_t kHdrAppHeader = 0x04;
// Window indicator bits.
constexpr uint8_t kWinSource = 0x01;
constexpr uint8_t kWinTarget = 0x02;
constexpr uint8_t kWinAdler32 = 0x04;

// xdelta3's secondary compressor IDs.
constexpr uint8_t kSecondaryDjw = 0x01;
constexpr uint8_t kSecondaryLzma = 0x02;
constexpr uint8_t kSecondaryFgk = 0x10;

// Application headers are file names in practice; this bounds what gets skipped.
constexpr uint64_t kMaxAppHeader = uint64_t{1} << 20;

enum SectionKind { kData = 0, kInst = 1, kAddr = 2 };
constexpr std::array<const char*, 3> kSectionNames = {"data section", "instruction section",
                                                      "address section"};

std::string Str(uint64_t value) { return std::to_string(value); }

// The most decoded bytes a section of a window producing `target` bytes may
// hold: ADD/RUN bytes never exceed the output; an instruction (opcode plus
// size varint) or an address (varint up to 5 bytes) is paid for by at least one
// output byte, with slack for windows of a few bytes.
uint64_t SectionLimit(SectionKind kind, uint64_t target) {
  return kind == kData ? target : 6 * target + 64;
}
// The most stored bytes: the decoded limit plus worst-case LZMA/xz framing.
uint64_t StoredLimit(SectionKind kind, uint64_t target) {
  const uint64_t limit = SectionLimit(kind, target);
  return limit + limit / 64 + 4096;
}

struct WindowHeader {
  uint8_t indicator = 0;
  uint64_t segment_length = 0;  // cpylen
  uint64_t segment_offset = 0;  // cpyoff
  uint64_t target_length = 0;
  uint8_t delta_indicator = 0;
  std::array<uint64_t, 3> section_length{};
  std::optional<uint32_t> adler32;
};

// One section kind's buffers and (lazily created) LZMA state, kept across windows.
struct Section {
  std::vector<std::byte> stored;
  std::vector<std::byte> decoded;
  std::unique_ptr<LzmaSectionDecoder> lzma;
};

class Decoder {
 public:
  Decoder(std::span<const std::byte> reference, ByteSource& delta, ByteSink& target,
          const DecodeOptions& options)
      : reference_(reference),
        reader_(delta),
        sink_(target),
        options_(options),
        history_(kTargetHistory) {}

  Status Run() {
    DG_RETURN_IF_ERROR(ReadFileHeader());
    for (;;) {
      DG_ASSIGN_OR_RETURN(bool at_end, reader_.AtEnd());
      if (at_end) break;
      Status status = DecodeWindow();
      if (!status.ok()) return status.error().Wrap("window " + Str(windows_));
      ++windows_;
    }
    if (windows_ == 0) return MakeError(ErrorCode::kCorrupted, "delta has no windows");
    return OkStatus();
  }

 private:
  Status ReadFileHeader();
  Status CheckSecondaryId(uint8_t id);
  Status ReadAppHeader();
  Status DecodeWindow();
  Result<WindowHeader> ReadWindowHeader();
  Status CheckWindowHeader(const WindowHeader& header) const;
  Status ReadSection(SectionKind kind, const WindowHeader& header);
  Status DecompressSection(SectionKind kind, uint64_t target_length);
  Result<std::span<const std::byte>> SourceSegment(const WindowHeader& header);
  Status Emit(const WindowHeader& header);

  std::span<const std::byte> reference_;
  DeltaReader reader_;
  ByteSink& sink_;
  DecodeOptions options_;
  TargetHistory history_;
  std::optional<uint8_t> secondary_id_;
  std::array<Section, 3> sections_;
  std::vector<std::byte> segment_;  // a VCD_TARGET window's source segment
  std::vector<std::byte> output_;   // the current window's output
  uint64_t windows_ = 0;
};

Status Decoder::ReadFileHeader() {
  for (uint8_t expected : kMagic) {
    DG_ASSIGN_OR_RETURN(uint8_t byte, reader_.ReadByte("file header"));
    if (byte != expected) return MakeError(ErrorCode::kCorrupted, "not a VCDIFF delta (bad magic)");
  }
  DG_ASSIGN_OR_RETURN(uint8_t version, reader_.ReadByte("file header"));
  if (version != 0) {
    return MakeError(ErrorCode::kUnsupported, "VCDIFF version ", Str(version), " (only 0)");
  }
  DG_ASSIGN_OR_RETURN(uint8_t indicator, reader_.ReadByte("file header"));
  if ((indicator & ~(kHdrSecondary | kHdrCodeTable | kHdrAppHeader)) != 0) {
    return MakeError(ErrorCode::kCorrupted, "unknown header indicator bits ", Str(indicator));
  }
  if ((indicator & kHdrSecondary) != 0) {
    DG_ASSIGN_OR_RETURN(uint8_t id, reader_.ReadByte("secondary compressor id"));
    DG_RETURN_IF_ERROR(CheckSecondaryId(id));
    secondary_id_ = id;
  }
  if ((indicator & kHdrCodeTable) != 0) {
    return MakeError(ErrorCode::kUnsupported, "VCDIFF custom code tables are not supported");
  }
  if ((indicator & kHdrAppHeader) != 0) DG_RETURN_IF_ERROR(ReadAppHeader());
  return OkStatus();
}

Status Decoder::ReadAppHeader() {
  DG_ASSIGN_OR_RETURN(uint64_t length, reader_.ReadVarint(32, "application header length"));
  if (length > kMaxAppHeader) {
    return MakeError(ErrorCode::kCorrupted, "application header of ", Str(length), " bytes");
  }
  std::vector<std::byte> bytes;
  DG_RETURN_IF_ERROR(reader_.ReadBytes(length, bytes, "application header"));
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const auto compressor = ExternalCompression(text);
  if (compressor && options_.external_compression != nullptr) {
    *options_.external_compression = *compressor;
  }
  if (!compressor || options_.ignore_external_compression) return OkStatus();
  return MakeError(ErrorCode::kUnsupported, "xdelta3 made this delta from ", *compressor,
                   "-decompressed files (application header \"", text,
                   "\"), so it cannot restore the original bytes");
}

// DJW and FGK are accepted here and refused only if a section actually uses them:
// xdelta3 writes their ID even when no section ended up compressed.
Status Decoder::CheckSecondaryId(uint8_t id) {
  if (id == kSecondaryLzma || id == kSecondaryDjw || id == kSecondaryFgk) return OkStatus();
  return MakeError(ErrorCode::kUnsupported, "unknown secondary compressor id ", Str(id));
}

Result<WindowHeader> Decoder::ReadWindowHeader() {
  WindowHeader h;
  DG_ASSIGN_OR_RETURN(h.indicator, reader_.ReadByte("window indicator"));
  if ((h.indicator & ~(kWinSource | kWinTarget | kWinAdler32)) != 0) {
    return MakeError(ErrorCode::kCorrupted, "unknown window indicator bits ", Str(h.indicator));
  }
  if ((h.indicator & (kWinSource | kWinTarget)) != 0) {
    DG_ASSIGN_OR_RETURN(h.segment_length, reader_.ReadVarint(32, "source segment length"));
    DG_ASSIGN_OR_RETURN(h.segment_offset, reader_.ReadVarint(64, "source segment offset"));
  }
  DG_ASSIGN_OR_RETURN(uint64_t encoding_length, reader_.ReadVarint(32, "delta encoding length"));
  const uint64_t encoding_start = reader_.offset();
  DG_ASSIGN_OR_RETURN(h.target_length, reader_.ReadVarint(32, "target window length"));
  DG_ASSIGN_OR_RETURN(h.delta_indicator, reader_.ReadByte("delta indicator"));
  for (int kind = kData; kind <= kAddr; ++kind) {
    DG_ASSIGN_OR_RETURN(h.section_length[kind], reader_.ReadVarint(32, kSectionNames[kind]));
  }
  if ((h.indicator & kWinAdler32) != 0) {
    uint32_t sum = 0;
    for (int i = 0; i < 4; ++i) {
      DG_ASSIGN_OR_RETURN(uint8_t byte, reader_.ReadByte("window checksum"));
      sum = (sum << 8) | byte;
    }
    h.adler32 = sum;
  }
  const uint64_t declared = reader_.offset() - encoding_start + h.section_length[kData] +
                            h.section_length[kInst] + h.section_length[kAddr];
  if (declared != encoding_length) {
    return MakeError(ErrorCode::kCorrupted, "delta encoding length ", Str(encoding_length),
                     " does not match its contents (", Str(declared), ")");
  }
  return h;
}

Status Decoder::CheckWindowHeader(const WindowHeader& h) const {
  if ((h.indicator & kWinSource) != 0 && (h.indicator & kWinTarget) != 0) {
    return MakeError(ErrorCode::kCorrupted, "window sets both VCD_SOURCE and VCD_TARGET");
  }
  if (h.target_length > kMaxWindowTarget) {
    return MakeError(ErrorCode::kResourceExhausted, "window of ", Str(h.target_length),
                     " bytes exceeds the ", Str(kMaxWindowTarget), "-byte limit");
  }
  if (h.segment_length + h.target_length > 0xFFFFFFFFu) {
    return MakeError(ErrorCode::kCorrupted, "source segment plus window exceed 32 bits");
  }
  if (h.segment_offset + h.segment_length < h.segment_offset) {
    return MakeError(ErrorCode::kCorrupted, "source segment offset overflows");
  }
  if ((h.delta_indicator & ~0x07) != 0) {
    return MakeError(ErrorCode::kCorrupted, "unknown delta indicator bits ",
                     Str(h.delta_indicator));
  }
  if (h.delta_indicator != 0 && !secondary_id_) {
    return MakeError(ErrorCode::kCorrupted, "compressed sections without a secondary compressor");
  }
  for (int kind = kData; kind <= kAddr; ++kind) {
    if (h.section_length[kind] > StoredLimit(static_cast<SectionKind>(kind), h.target_length)) {
      return MakeError(ErrorCode::kCorrupted, kSectionNames[kind], " of ",
                       Str(h.section_length[kind]), " bytes is too long for a ",
                       Str(h.target_length), "-byte window");
    }
  }
  return OkStatus();
}

Status Decoder::ReadSection(SectionKind kind, const WindowHeader& header) {
  Section& section = sections_[kind];
  DG_RETURN_IF_ERROR(
      reader_.ReadBytes(header.section_length[kind], section.stored, kSectionNames[kind]));
  if ((header.delta_indicator & (1u << kind)) == 0) return OkStatus();
  return DecompressSection(kind, header.target_length);
}

Status Decoder::DecompressSection(SectionKind kind, uint64_t target_length) {
  if (*secondary_id_ != kSecondaryLzma) {
    const char* name = *secondary_id_ == kSecondaryDjw ? "djw" : "fgk";
    return MakeError(ErrorCode::kUnsupported, "unsupported secondary compressor ", name);
  }
  Section& section = sections_[kind];
  const auto* pos = reinterpret_cast<const uint8_t*>(section.stored.data());
  const auto* end = pos + section.stored.size();
  uint64_t size = 0;
  if (!DecodeVarint(&pos, end, 32, &size)) {
    return MakeError(ErrorCode::kCorrupted, "compressed ", kSectionNames[kind],
                     ": bad decompressed size");
  }
  if (size == 0 || size > SectionLimit(kind, target_length)) {
    return MakeError(ErrorCode::kCorrupted, "compressed ", kSectionNames[kind], " declares ",
                     Str(size), " bytes for a ", Str(target_length), "-byte window");
  }
  if (!section.lzma) section.lzma = std::make_unique<LzmaSectionDecoder>();
  const size_t header_bytes =
      static_cast<size_t>(pos - reinterpret_cast<const uint8_t*>(section.stored.data()));
  Status status = section.lzma->Decode(std::span(section.stored).subspan(header_bytes),
                                       static_cast<size_t>(size), section.decoded);
  if (!status.ok()) return status.error().Wrap(kSectionNames[kind]);
  return OkStatus();
}

Result<std::span<const std::byte>> Decoder::SourceSegment(const WindowHeader& h) {
  if ((h.indicator & kWinTarget) != 0) {
    DG_RETURN_IF_ERROR(history_.CopyOut(h.segment_offset, h.segment_length, segment_));
    return std::span<const std::byte>(segment_);
  }
  if ((h.indicator & kWinSource) == 0) return std::span<const std::byte>();
  if (h.segment_offset > reference_.size() ||
      h.segment_length > reference_.size() - h.segment_offset) {
    return MakeError(ErrorCode::kCorrupted, "source segment [", Str(h.segment_offset), ", +",
                     Str(h.segment_length), ") lies outside the ", Str(reference_.size()),
                     "-byte reference");
  }
  return reference_.subspan(h.segment_offset, h.segment_length);
}

Status Decoder::DecodeWindow() {
  DG_ASSIGN_OR_RETURN(WindowHeader header, ReadWindowHeader());
  DG_RETURN_IF_ERROR(CheckWindowHeader(header));
  DG_ASSIGN_OR_RETURN(std::span<const std::byte> source, SourceSegment(header));
  std::array<std::span<const std::byte>, 3> bytes;
  for (int kind = kData; kind <= kAddr; ++kind) {
    DG_RETURN_IF_ERROR(ReadSection(static_cast<SectionKind>(kind), header));
    const bool compressed = (header.delta_indicator & (1u << kind)) != 0;
    bytes[kind] = compressed ? sections_[kind].decoded : sections_[kind].stored;
  }
  DG_RETURN_IF_ERROR(ExecuteWindow(source, {bytes[kData], bytes[kInst], bytes[kAddr]},
                                   static_cast<uint32_t>(header.target_length), output_));
  return Emit(header);
}

Status Decoder::Emit(const WindowHeader& header) {
  if (header.adler32) {
    const uint32_t actual = Adler32(output_);
    if (actual != *header.adler32) {
      return MakeError(ErrorCode::kCorrupted, "target window checksum mismatch (stored ",
                       Str(*header.adler32), ", computed ", Str(actual), ")");
    }
  }
  DG_RETURN_IF_ERROR(sink_.Write(output_));
  history_.Append(output_);
  return OkStatus();
}

}  // namespace

Status DecodeVcdiff(std::span<const std::byte> reference, ByteSource& delta, ByteSink& target,
                    const DecodeOptions& options) {
  Decoder decoder(reference, delta, target, options);
  Status status = decoder.Run();
  if (!status.ok()) return status.error().Wrap("vcdiff");
  return OkStatus();
}

}  // namespace deltaglider::vcdiff
