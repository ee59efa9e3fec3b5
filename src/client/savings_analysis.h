// AnalyzeSavings: the driver of Client::AnalyzeSavings. Lists the plain objects
// under a prefix into reference groups (core/analysis_plan.h), measures a
// budgeted sample of each group on a few threads (core/group_sampler.h) with the
// codecs the write path would pick, and turns the measurements into predicted
// bytes (core/savings_estimate.h). Reads only.
#pragma once

#include <functional>
#include <string_view>

#include "deltaglider/analysis.h"
#include "deltaglider/client.h"
#include "deltaglider/ports/delta_codec.h"
#include "deltaglider/ports/object_store.h"

namespace deltaglider {

struct AnalysisCodecs {
  // Delta codecs and archive-aware reference compressors by name.
  std::function<Result<const DeltaCodec*>(std::string_view)> codec;
  std::function<Result<const DeltaCodec*>(std::string_view)> reference_codec;
  const DeltaCodec* reference_compressor = nullptr;
};

Result<SavingsReport> AnalyzeSavings(ObjectStore& store, std::string_view prefix,
                                     const AnalysisCodecs& codecs, const ServiceOptions& service,
                                     const AnalyzeOptions& options);

}  // namespace deltaglider
