/* libcrypto is opened on first use rather than linked: its relocated data
 * (some 400 KiB, a page fault each 4 KiB) were a fifth of the page faults
 * between exec and the first Lambda /next, and nothing signs a request
 * before that. The soname comes from the headers the code was built
 * against, so the ABI is the one checked at compile time. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-libcrypto-private.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#define LIBCRYPTO_SONAME "libcrypto.so." G_STRINGIFY (OPENSSL_SHLIB_VERSION)

typedef struct
{
  void *handle;
  __typeof__ (EVP_Digest) *digest;
  __typeof__ (EVP_sha256) *sha256;
  __typeof__ (EVP_Q_mac) *q_mac;
} Libcrypto;

static gboolean
find_symbol (void        *handle,
             const char  *name,
             gpointer    *symbol,
             char       **reason)
{
  *symbol = dlsym (handle, name);
  if (*symbol != NULL)
    return TRUE;
  *reason = g_strdup_printf (_("%s has no symbol %s"), LIBCRYPTO_SONAME, name);
  return FALSE;
}

static Libcrypto *
open_libcrypto (char **reason)
{
  Libcrypto found = { NULL, };

  /* dlopen rather than g_module_open: GModule first looks for the name,
   * the name with .so and the name with .la in the current folder, and
   * loads whatever library such a .la names. */
  found.handle = dlopen (LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (found.handle == NULL)
    {
      const char *error = dlerror ();

      *reason = g_strdup (error != NULL ? error : _("unknown error"));
      return NULL;
    }
  if (!find_symbol (found.handle, "EVP_Digest", (gpointer *) &found.digest, reason) ||
      !find_symbol (found.handle, "EVP_sha256", (gpointer *) &found.sha256, reason) ||
      !find_symbol (found.handle, "EVP_Q_mac", (gpointer *) &found.q_mac, reason))
    {
      dlclose (found.handle);
      return NULL;
    }
  return g_memdup2 (&found, sizeof found);
}

/* Opened once and kept for the life of the process: the signer may run on
 * any thread at any time, and a library never unloaded needs no reference
 * counting. A failure is not remembered, so that a passing one (EMFILE at
 * the first signature) does not stop signing until a restart. */
static const Libcrypto *
libcrypto (char **reason)
{
  static Libcrypto *opened;
  static GMutex lock;
  Libcrypto *lib = g_atomic_pointer_get (&opened);
  g_autofree char *why = NULL;

  if (lib != NULL)
    return lib;
  g_mutex_lock (&lock);
  lib = opened;
  if (lib == NULL)
    {
      lib = open_libcrypto (&why);
      g_atomic_pointer_set (&opened, lib);
    }
  g_mutex_unlock (&lock);
  if (reason != NULL)
    *reason = g_steal_pointer (&why);
  return lib;
}

/*
 * imgproc_libcrypto_load:
 * @error: return location for a #GError
 *
 * Opens libcrypto unless it is already open. Signing calls it first, so
 * that a missing or unusable library is reported with the loader's reason
 * rather than as a failed digest.
 *
 * Returns: %TRUE when the digests below can be computed
 */
gboolean
imgproc_libcrypto_load (GError **error)
{
  g_autofree char *reason = NULL;

  if (libcrypto (&reason) != NULL)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("Cannot sign AWS requests: OpenSSL’s %s could not be loaded: %s"),
               LIBCRYPTO_SONAME, reason);
  return FALSE;
}

gboolean
imgproc_libcrypto_sha256 (const void *data,
                          gsize       len,
                          guchar      out[IMGPROC_SHA256_LEN])
{
  const Libcrypto *lib = libcrypto (NULL);
  unsigned int out_len = 0;

  return lib != NULL &&
         lib->digest (data, len, out, &out_len, lib->sha256 (), NULL) == 1 &&
         out_len == IMGPROC_SHA256_LEN;
}

gboolean
imgproc_libcrypto_hmac_sha256 (const void *key,
                               gsize       key_len,
                               const void *data,
                               gsize       data_len,
                               guchar      out[IMGPROC_SHA256_LEN])
{
  const Libcrypto *lib = libcrypto (NULL);
  size_t out_len = 0;

  return lib != NULL &&
         lib->q_mac (NULL, "HMAC", NULL, "SHA256", NULL, key, key_len,
                     data, data_len, out, IMGPROC_SHA256_LEN, &out_len) != NULL &&
         out_len == IMGPROC_SHA256_LEN;
}
