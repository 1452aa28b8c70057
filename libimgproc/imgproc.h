/* The umbrella header of libimgproc: include only this one. */
#pragma once

#define IMGPROC_INSIDE
#include "imgproc-version.h"
#include "imgproc-enums.h"
#include "imgproc-image-error.h"
#include "imgproc-image-info.h"
#include "imgproc-rendition.h"
#include "imgproc-resizer.h"
#include "imgproc-credentials.h"
#include "imgproc-credentials-provider.h"
#include "imgproc-signing-request.h"
#include "imgproc-signer.h"
#include "imgproc-pipeline-error.h"
#include "imgproc-object-event.h"
#include "imgproc-queue-message.h"
#include "imgproc-event-parser.h"
#include "imgproc-guard.h"
#include "imgproc-service-config.h"
#undef IMGPROC_INSIDE
