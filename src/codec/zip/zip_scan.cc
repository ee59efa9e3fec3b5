// ScanZip() and ZipPatchBase(); see zip_scan.h. Local file header (APPNOTE 4.3.7):
// signature PK\3\4, version, flags, method, time, date, CRC-32, compressed and
// uncompressed sizes at offsets 18 and 22, name and extra lengths at offsets 26
// and 28, then name and extra; the data follows.
#include "codec/zip/zip_scan.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "codec/gzip/gzip_file.h"
#include "codec/inflate_raw.h"
#include "util/parallel_for.h"

namespace deltaglider {
namespace {

constexpr size_t kLocalHeaderSize = 30;
constexpr uint16_t kMethodDeflate = 8;
constexpr uint16_t kFlagEncrypted = 0x0001;
constexpr uint16_t kFlagDataDescriptor = 0x0008;  // sizes follow the data, not in the header
// Compressed bytes inflated ahead at once, on all cores.
constexpr uint64_t kAheadBytes = uint64_t{2} << 20;
// An entry inflated ahead is taken only this far below the payload limit:
// InflateRaw grows its output by at most 1 MiB per step, so there its outcome
// (size, bytes, or error) cannot depend on the limit, and the scan stays a pure
// function of the bytes, exactly as one inflating entry after entry.
constexpr uint64_t kLimitMargin = uint64_t{4} << 20;
// The most payload room reserved on the headers' word: in all, and per entry.
constexpr uint64_t kMostReserved = uint64_t{1} << 30;
constexpr uint64_t kMostReservedEntry = uint64_t{64} << 20;
constexpr uint64_t kMostExpansion = 1032;  // deflate's best ratio
constexpr std::byte kSignature[4] = {std::byte{'P'}, std::byte{'K'}, std::byte{3}, std::byte{4}};

uint16_t Le16(std::span<const std::byte> b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned>(b[at]) | static_cast<unsigned>(b[at + 1])
                                                                  << 8);
}

// The next local header signature at or after `from`, or file.size().
size_t FindSignature(std::span<const std::byte> file, size_t from) {
  if (from >= file.size()) return file.size();
  const auto it = std::search(file.begin() + static_cast<std::ptrdiff_t>(from), file.end(),
                              std::begin(kSignature), std::end(kSignature));
  return static_cast<size_t>(it - file.begin());
}

// Where the data of the deflated, unencrypted entry whose header is at `pos`
// starts, or 0 if the header is not one (or runs off the end).
size_t DeflatedDataStart(std::span<const std::byte> file, size_t pos) {
  if (file.size() - pos < kLocalHeaderSize) return 0;
  const std::span<const std::byte> header = file.subspan(pos, kLocalHeaderSize);
  if ((Le16(header, 6) & kFlagEncrypted) != 0 || Le16(header, 8) != kMethodDeflate) return 0;
  const size_t data = pos + kLocalHeaderSize + Le16(header, 26) + Le16(header, 28);
  return data < file.size() ? data : 0;
}

// A deflated entry: where its local header and its data start.
struct Entry {
  size_t header = 0;
  size_t data = 0;
};

// The first deflated, unencrypted entry whose header is at or after `from`
// ({file.size(), 0} if none).
Entry NextDeflatedEntry(std::span<const std::byte> file, size_t from) {
  for (size_t pos = FindSignature(file, from); pos < file.size();
       pos = FindSignature(file, pos + 1)) {
    if (const size_t data = DeflatedDataStart(file, pos); data != 0) return Entry{pos, data};
  }
  return Entry{file.size(), 0};
}

// InflateRaw onto `out`, which holds `inflated` bytes of payload among others:
// the limit counts the payload only.
Result<size_t> InflateOnto(std::span<const std::byte> data, uint64_t limit, uint64_t inflated,
                           std::vector<std::byte>& out) {
  return InflateRaw(data, limit + (out.size() - inflated), out);
}

uint32_t Le32(std::span<const std::byte> b, size_t at) {
  return uint32_t{Le16(b, at)} | uint32_t{Le16(b, at + 2)} << 16;
}

// Inflates the streams the scan is likely to meet ahead of it, a batch at a time
// on all cores. Likely: each local header's compressed size points past its
// stream (without one, the next signature is guessed); a guess the scan does
// not follow only costs the work.
class InflateAhead {
 public:
  InflateAhead(std::span<const std::byte> file, uint64_t limit, unsigned workers)
      : file_(file), limit_(limit), workers_(workers) {
    for (Entry e = NextDeflatedEntry(file, 0); e.header < file.size();) {
      starts_.push_back(e.data);
      stated_sizes_.push_back(Le32(file, e.header + 22));
      stated_payload_ += stated_sizes_.back();
      const uint32_t stated = Le32(file, e.header + 18);
      const bool sized = (Le16(file, e.header + 6) & kFlagDataDescriptor) == 0 && stated != 0 &&
                         stated <= file.size() - e.data;
      e = NextDeflatedEntry(file, sized ? e.data + stated : e.data + 1);
    }
  }

  // What the headers say the streams inflate to (a hint: a header may lie, or
  // say 0 when a data descriptor follows the stream).
  uint64_t stated_payload() const { return stated_payload_; }

  // Inflates the stream at `data` onto `out`, the scan's output, which holds
  // `inflated` bytes of payload so far: from the batch when it was inflated ahead
  // far enough below the limit, else here and now.
  Result<size_t> Inflate(size_t data, uint64_t inflated, std::vector<std::byte>& out) {
    while (next_ < starts_.size() && starts_[next_] < data) ++next_;
    if (next_ < starts_.size() && starts_[next_] == data) {
      if (next_ >= batch_begin_ + batch_.size()) InflateBatch(next_);
      Ahead& ahead = batch_[next_ - batch_begin_];
      if (inflated + ahead.payload.size() + kLimitMargin < limit_) {
        out.insert(out.end(), ahead.payload.begin(), ahead.payload.end());
        std::vector<std::byte>().swap(ahead.payload);
        return *ahead.size;
      }
    }
    return InflateOnto(file_.subspan(data), limit_, inflated, out);
  }

 private:
  struct Ahead {
    std::optional<Result<size_t>> size;
    std::vector<std::byte> payload;
  };

  // Inflates starts_[first...] up to kAheadBytes of (likely) compressed bytes.
  void InflateBatch(size_t first) {
    size_t end = first;
    uint64_t bytes = 0;
    while (end < starts_.size() && (end == first || bytes < kAheadBytes)) {
      bytes += (end + 1 < starts_.size() ? starts_[end + 1] : file_.size()) - starts_[end];
      ++end;
    }
    batch_begin_ = first;
    batch_.assign(end - first, Ahead{});
    ParallelFor(batch_.size(), workers_, [&](size_t k) {
      Ahead& ahead = batch_[k];
      // Room for what the header says (a hint, within what deflate can expand
      // the bytes to the next entry to) spares regrowing the entry's bytes.
      const size_t i = first + k;
      const uint64_t span = (i + 1 < starts_.size() ? starts_[i + 1] : file_.size()) - starts_[i];
      ahead.payload.reserve(static_cast<size_t>(
          std::min<uint64_t>({stated_sizes_[i], kMostReservedEntry, kMostExpansion * span})));
      ahead.size = InflateRaw(file_.subspan(starts_[i]), limit_, ahead.payload);
    });
  }

  std::span<const std::byte> file_;
  uint64_t limit_;
  unsigned workers_;
  std::vector<size_t> starts_;
  std::vector<uint32_t> stated_sizes_;  // each entry's uncompressed size, as its header says
  uint64_t stated_payload_ = 0;
  size_t next_ = 0;
  size_t batch_begin_ = 0;
  std::vector<Ahead> batch_;
};

}  // namespace

ZipScan ScanZip(std::span<const std::byte> file, unsigned workers, uint64_t room_after) {
  ZipScan scan;
  const uint64_t limit = MaxGzipPayload(file.size());
  std::optional<InflateAhead> ahead;
  uint64_t stated = 0;
  if (workers != 1) {
    ahead.emplace(file, limit, workers);
    stated = ahead->stated_payload();
  }
  // Room up front spares regrowing (reserving touches no memory).
  scan.expanded.reserve(
      static_cast<size_t>(std::min({stated, limit, kMostReserved}) + file.size() + room_after));
  uint64_t inflated = 0;  // payload bytes in scan.expanded
  size_t verbatim = 0;    // the file's bytes before this are in scan.expanded
  const auto keep_verbatim_up_to = [&](size_t end) {
    scan.expanded.insert(scan.expanded.end(), file.begin() + static_cast<std::ptrdiff_t>(verbatim),
                         file.begin() + static_cast<std::ptrdiff_t>(end));
    verbatim = end;
  };
  for (Entry e = NextDeflatedEntry(file, 0); e.header < file.size();) {
    keep_verbatim_up_to(e.data);
    const size_t before = scan.expanded.size();
    auto stream_size = ahead ? ahead->Inflate(e.data, inflated, scan.expanded)
                             : InflateOnto(file.subspan(e.data), limit, inflated, scan.expanded);
    if (!stream_size.ok()) {
      scan.expanded.resize(before);
      if (stream_size.code() == ErrorCode::kResourceExhausted) break;
      e = NextDeflatedEntry(file, e.header + 1);
      continue;
    }
    const uint64_t payload_size = scan.expanded.size() - before;
    scan.streams.push_back(ZipStream{e.data, *stream_size, before, payload_size});
    inflated += payload_size;
    verbatim = e.data + *stream_size;
    e = NextDeflatedEntry(file, verbatim);
  }
  keep_verbatim_up_to(file.size());
  return scan;
}

bool ScanFinds(std::span<const std::byte> file, std::span<const ZipStream> streams) {
  uint64_t inflated = 0;
  Entry e = NextDeflatedEntry(file, 0);
  for (const ZipStream& s : streams) {
    if (e.header >= file.size() || e.data != s.offset || s.size > file.size() - s.offset)
      return false;
    inflated += s.payload_size;
    e = NextDeflatedEntry(file, s.offset + s.size);
  }
  // Far enough below the limit that no entry was cut short by it.
  return e.header >= file.size() && inflated + kLimitMargin < MaxGzipPayload(file.size());
}

std::string_view LocalHeaderName(std::span<const std::byte> bytes, uint64_t from,
                                 uint64_t stream_offset) {
  constexpr uint64_t kLongestHeader = kLocalHeaderSize + 2 * 0xFFFF;
  if (stream_offset > bytes.size() || stream_offset < from + kLocalHeaderSize) return {};
  const uint64_t lowest =
      std::max(from, stream_offset > kLongestHeader ? stream_offset - kLongestHeader : 0);
  for (uint64_t h = stream_offset - kLocalHeaderSize + 1; h-- > lowest;) {
    if (std::memcmp(bytes.data() + h, kSignature, sizeof kSignature) != 0) continue;
    const uint16_t name_size = Le16(bytes, h + 26);
    if (h + kLocalHeaderSize + name_size + Le16(bytes, h + 28) != stream_offset) continue;
    return std::string_view(reinterpret_cast<const char*>(bytes.data() + h + kLocalHeaderSize),
                            name_size);
  }
  return {};
}

std::vector<std::byte> ZipPatchBase(std::span<const std::byte> file,
                                    std::span<const ZipStream> streams,
                                    std::span<const std::byte> expanded, ZipBaseLayout layout) {
  std::vector<std::byte> out;
  uint64_t expanded_size = file.size();
  for (const ZipStream& s : streams) expanded_size += s.payload_size - s.size;
  out.reserve(expanded_size + file.size());
  if (layout == ZipBaseLayout::kExpandedThenRaw) {
    out.insert(out.end(), expanded.begin(),
               expanded.begin() + static_cast<std::ptrdiff_t>(expanded_size));
    out.insert(out.end(), file.begin(), file.end());
    return out;
  }
  out.insert(out.end(), file.begin(), file.end());
  for (const ZipStream& s : streams) {
    const auto payload = expanded.subspan(s.payload_offset, s.payload_size);
    out.insert(out.end(), payload.begin(), payload.end());
  }
  return out;
}

}  // namespace deltaglider
