#include "core/group_sampler.h"

#include <algorithm>

namespace deltaglider {
namespace {

Result<std::vector<std::byte>> Download(const SamplerParts& parts, const PlannedFile& file) {
  VectorSink sink;
  Result<ObjectHead> head = parts.store->GetRange(file.key, 0, parts.per_file, sink);
  if (!head.ok()) {
    return head.error().Wrap("analyze s3://" + parts.store->bucket() + "/" + file.key);
  }
  return std::move(sink.bytes());
}

// Bytes of `target` encoded by `codec` against `reference` (empty: compression).
Result<uint64_t> EncodedSize(const DeltaCodec& codec, std::span<const std::byte> reference,
                             std::span<const std::byte> target) {
  SpanSource source(target);
  NullSink sink;
  DG_RETURN_IF_ERROR(codec.Encode(reference, source, sink));
  return sink.count();
}

// What a file costs as a reference: its smallest stored form (ReferenceStore::
// Compress: the archive-aware codec, zstd, or raw), plus its zero-diff delta.
Result<uint64_t> AsReference(const SamplerParts& parts, std::span<const std::byte> bytes) {
  DG_ASSIGN_OR_RETURN(uint64_t stored, EncodedSize(*parts.reference_compressor, {}, bytes));
  stored = std::min<uint64_t>(stored, bytes.size());
  if (parts.reference_archive_codec != nullptr) {
    DG_ASSIGN_OR_RETURN(uint64_t archive, EncodedSize(*parts.reference_archive_codec, {}, bytes));
    stored = std::min(stored, archive);
  }
  DG_ASSIGN_OR_RETURN(uint64_t zero_diff, EncodedSize(*parts.delta_codec, bytes, bytes));
  return stored + zero_diff;
}

}  // namespace

Result<GroupSample> SampleGroup(const SamplerParts& parts, const PlannedGroup& group) {
  GroupSample sample;
  DG_ASSIGN_OR_RETURN(std::vector<std::byte> reference, Download(parts, group.files[0]));
  sample.downloaded += reference.size();
  DG_ASSIGN_OR_RETURN(uint64_t reference_cost, AsReference(parts, reference));
  sample.reference = {reference.size(), reference_cost};
  for (size_t index : group.sampled_members) {
    DG_ASSIGN_OR_RETURN(std::vector<std::byte> member, Download(parts, group.files[index]));
    sample.downloaded += member.size();
    DG_ASSIGN_OR_RETURN(uint64_t delta, EncodedSize(*parts.delta_codec, reference, member));
    if (static_cast<double>(delta) > parts.max_ratio * static_cast<double>(member.size())) {
      DG_ASSIGN_OR_RETURN(delta, AsReference(parts, member));  // it would become a new reference
    }
    sample.members.push_back({member.size(), delta});
  }
  return sample;
}

}  // namespace deltaglider
