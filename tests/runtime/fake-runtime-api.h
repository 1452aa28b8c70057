/* A loopback Lambda Runtime API for tests: serves queued events with the
 * real headers and records every POST. It runs in its own thread, so a
 * client may block on it, in the same process or in a child. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FakeRuntimeApi FakeRuntimeApi;

typedef enum {
  FAKE_RUNTIME_POST_RESPONSE,
  FAKE_RUNTIME_POST_ERROR,
  FAKE_RUNTIME_POST_INIT_ERROR,
} FakeRuntimePostKind;

typedef struct {
  FakeRuntimePostKind kind;
  char *request_id;
  char *content_type;
  char *error_type;
  GBytes *body;
} FakeRuntimePost;

FakeRuntimeApi *fake_runtime_api_new (void);
void fake_runtime_api_free (FakeRuntimeApi *api);
const char *fake_runtime_api_get_address (FakeRuntimeApi *api);

void fake_runtime_api_queue_event (FakeRuntimeApi *api,
                                   const char     *request_id,
                                   const char     *event,
                                   gint64          deadline_ms,
                                   const char     *trace_id);
void fake_runtime_api_set_status (FakeRuntimeApi *api,
                                  guint           post_status);
guint fake_runtime_api_get_n_next (FakeRuntimeApi *api);
FakeRuntimePost *fake_runtime_api_wait_post (FakeRuntimeApi *api);
void fake_runtime_post_free (FakeRuntimePost *post);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeRuntimePost, fake_runtime_post_free)

G_END_DECLS
