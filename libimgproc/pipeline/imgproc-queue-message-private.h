/* How the event parser fills the optional parts of a queue message. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

void imgproc_queue_message_set_source (ImgprocQueueMessage *self,
                                       const char          *event_source_arn,
                                       const char          *trace_header);
void imgproc_queue_message_take_attribute (ImgprocQueueMessage *self,
                                           char                *name,
                                           char                *string_value);

G_END_DECLS
