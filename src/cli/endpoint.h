// Turns the user's endpoint choice into a Storage: `--endpoint-url`, else
// $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL. `file:///abs/dir`, `file://rel/dir`
// and plain paths open a local directory store.
#pragma once

#include <memory>
#include <string>

#include "deltaglider/ports/object_store.h"

namespace deltaglider::cli {

// The endpoint URL in effect ("" if none was given anywhere).
std::string ResolveEndpointUrl(const std::string& flag);

// kInvalidArgument when no endpoint is configured; kUnsupported for schemes this
// build cannot reach.
Result<std::unique_ptr<Storage>> OpenStorage(const std::string& endpoint_url);

}  // namespace deltaglider::cli
