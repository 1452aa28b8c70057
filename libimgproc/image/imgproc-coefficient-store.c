/* Packed whole-image coefficient arrays for libjpeg's progressive decode.
 * libjpeg keeps 64 shorts per 8x8 block of every component until the last
 * scan: 96 MiB for a 4096x4096 4:4:4 photograph, whatever the output scale.
 * Most of those shorts are zero, so each block row is kept as, per block, a
 * 64-bit mask of its non-zero coefficients followed by their values, and
 * unpacked into a small window only while libjpeg works on it. A scan reads
 * and rewrites each row once, which costs far less than its Huffman
 * decoding. The memory manager's methods are documented as replaceable;
 * only the four that deal with block arrays are wrapped. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-coefficient-store-private.h"

#include <string.h>
#include <jerror.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#define MASK_BYTES sizeof (guint64)

/* Measured packed size over file size on photographs: 2.85 to 3.2 bytes of
 * values per file byte (a non-zero coefficient costs about 5 bits); 4
 * leaves room. A file of only ±1s at 2 bits each could reach 8. */
#define VALUE_BYTES_PER_FILE_BYTE 4

/* A row libjpeg has already read for output; reading it again is a bug. */
static guint8 released_row;

typedef struct PackedArray PackedArray;
struct PackedArray
{
  PackedArray *next;
  JDIMENSION blocks_per_row;
  JDIMENSION n_rows;
  JDIMENSION max_access;
  guint8 **rows;
  gsize *row_bytes;
  JBLOCKARRAY window;
  JDIMENSION window_capacity;
  JDIMENSION window_first;
  JDIMENSION window_count;
  gboolean window_dirty;
};

typedef struct
{
  void (*free_pool) (j_common_ptr cinfo,
                     int          pool_id);
  void (*self_destruct) (j_common_ptr cinfo);
  PackedArray *arrays;
  guint8 *scratch;
  gsize scratch_size;
  gsize packed_bytes;
  gsize peak_bytes;
} Store;

static Store *
store_of (j_common_ptr cinfo)
{
  return cinfo->client_data;
}

/* One bit per coefficient, set when it is not zero: with SIMD this is a
 * few instructions a block, where a loop over 64 shorts is the bulk of the
 * store's cost. */
#if defined(__SSE2__)
static inline guint64
nonzero_mask (const JCOEF *coefficients)
{
  const __m128i zero = _mm_setzero_si128 ();
  guint64 mask = 0;

  for (guint i = 0; i < DCTSIZE2 / 16; i++)
    {
      __m128i low = _mm_loadu_si128 ((const __m128i *) (coefficients + 16 * i));
      __m128i high = _mm_loadu_si128 ((const __m128i *) (coefficients + 16 * i + 8));
      __m128i zeros = _mm_packs_epi16 (_mm_cmpeq_epi16 (low, zero), _mm_cmpeq_epi16 (high, zero));

      mask |= (guint64) (~_mm_movemask_epi8 (zeros) & 0xffff) << (16 * i);
    }
  return mask;
}
#elif defined(__aarch64__)
static inline guint64
nonzero_mask (const JCOEF *coefficients)
{
  static const guint8 bit_weights[8] = { 1, 2, 4, 8, 16, 32, 64, 128 };
  const uint8x8_t weights = vld1_u8 (bit_weights);
  guint64 mask = 0;

  for (guint i = 0; i < DCTSIZE2 / 8; i++)
    {
      uint16x8_t nonzero = vtstq_s16 (vld1q_s16 (coefficients + 8 * i), vdupq_n_s16 (-1));
      uint8x8_t bits = vand_u8 (vmovn_u16 (nonzero), weights);

      mask |= (guint64) vaddv_u8 (bits) << (8 * i);
    }
  return mask;
}
#else
static inline guint64
nonzero_mask (const JCOEF *coefficients)
{
  guint64 mask = 0;

  for (guint k = 0; k < DCTSIZE2; k++)
    mask |= (guint64) (coefficients[k] != 0) << k;
  return mask;
}
#endif

static gsize
pack_row (JBLOCKROW  row,
          JDIMENSION n_blocks,
          guint8    *out)
{
  guint8 *p = out;

  for (JDIMENSION b = 0; b < n_blocks; b++)
    {
      const JCOEF *coefficients = row[b];
      guint64 mask = nonzero_mask (coefficients);

      memcpy (p, &mask, MASK_BYTES);
      p += MASK_BYTES;
      while (mask != 0)
        {
          memcpy (p, &coefficients[__builtin_ctzll (mask)], sizeof (JCOEF));
          p += sizeof (JCOEF);
          mask &= mask - 1;
        }
    }
  return (gsize) (p - out);
}

static void
unpack_row (const guint8 *packed,
            JBLOCKROW     row,
            JDIMENSION    n_blocks)
{
  memset (row, 0, (gsize) n_blocks * sizeof (JBLOCK));
  if (packed == NULL)
    return;
  for (JDIMENSION b = 0; b < n_blocks; b++)
    {
      JCOEF *coefficients = row[b];
      guint64 mask;

      memcpy (&mask, packed, MASK_BYTES);
      packed += MASK_BYTES;
      while (mask != 0)
        {
          memcpy (&coefficients[__builtin_ctzll (mask)], packed, sizeof (JCOEF));
          packed += sizeof (JCOEF);
          mask &= mask - 1;
        }
    }
}

static void
drop_row (Store       *store,
          PackedArray *array,
          JDIMENSION   row,
          guint8      *replacement,
          gsize        replacement_bytes)
{
  if (array->rows[row] != &released_row)
    g_free (array->rows[row]);
  store->packed_bytes -= array->row_bytes[row];
  array->rows[row] = replacement;
  array->row_bytes[row] = replacement_bytes;
  store->packed_bytes += replacement_bytes;
  store->peak_bytes = MAX (store->peak_bytes, store->packed_bytes);
}

static void
flush_window (Store       *store,
              PackedArray *array)
{
  if (!array->window_dirty)
    return;
  for (JDIMENSION i = 0; i < array->window_count; i++)
    {
      gsize bytes = pack_row (array->window[i], array->blocks_per_row, store->scratch);

      drop_row (store, array, array->window_first + i, g_memdup2 (store->scratch, bytes), bytes);
    }
  array->window_dirty = FALSE;
}

static void
packed_array_free (PackedArray *array)
{
  for (JDIMENSION i = 0; i < array->n_rows; i++)
    if (array->rows[i] != &released_row)
      g_free (array->rows[i]);
  g_free (array->rows);
  g_free (array->row_bytes);
  if (array->window != NULL)
    g_free (array->window[0]);
  g_free (array->window);
  g_free (array);
}

static void
free_arrays (Store *store)
{
  while (store->arrays != NULL)
    {
      PackedArray *next = store->arrays->next;

      packed_array_free (store->arrays);
      store->arrays = next;
    }
  g_clear_pointer (&store->scratch, g_free);
  store->scratch_size = 0;
  store->packed_bytes = 0;
}

static jvirt_barray_ptr
request_virt_barray (j_common_ptr cinfo,
                     int          pool_id,
                     boolean      pre_zero,
                     JDIMENSION   blocksperrow,
                     JDIMENSION   numrows,
                     JDIMENSION   maxaccess)
{
  Store *store = store_of (cinfo);
  PackedArray *array;
  gsize scratch_size;

  if (pool_id != JPOOL_IMAGE)
    ERREXIT1 (cinfo, JERR_BAD_POOL_ID, pool_id);
  /* Packed rows start as all zeros, which libjpeg only needs when asked. */
  (void) pre_zero;

  array = g_new0 (PackedArray, 1);
  array->blocks_per_row = blocksperrow;
  array->n_rows = numrows;
  array->max_access = maxaccess;
  array->rows = g_new0 (guint8 *, numrows);
  array->row_bytes = g_new0 (gsize, numrows);
  array->next = store->arrays;
  store->arrays = array;

  scratch_size = (gsize) blocksperrow * (MASK_BYTES + sizeof (JBLOCK));
  if (scratch_size > store->scratch_size)
    {
      g_free (store->scratch);
      store->scratch = g_malloc (scratch_size);
      store->scratch_size = scratch_size;
    }
  return (jvirt_barray_ptr) array;
}

static void
ensure_window (PackedArray *array,
               JDIMENSION   num_rows)
{
  JBLOCKROW blocks;

  if (num_rows <= array->window_capacity)
    return;
  if (array->window != NULL)
    g_free (array->window[0]);
  g_free (array->window);
  array->window = g_new (JBLOCKROW, num_rows);
  blocks = g_new (JBLOCK, (gsize) num_rows * array->blocks_per_row);
  for (JDIMENSION i = 0; i < num_rows; i++)
    array->window[i] = blocks + (gsize) i * array->blocks_per_row;
  array->window_capacity = num_rows;
}

static JBLOCKARRAY
access_virt_barray (j_common_ptr     cinfo,
                    jvirt_barray_ptr ptr,
                    JDIMENSION       start_row,
                    JDIMENSION       num_rows,
                    boolean          writable)
{
  Store *store = store_of (cinfo);
  PackedArray *array = (PackedArray *) ptr;

  if (num_rows == 0 || num_rows > array->max_access ||
      start_row > array->n_rows || num_rows > array->n_rows - start_row)
    ERREXIT (cinfo, JERR_BAD_VIRTUAL_ACCESS);

  if (array->window_count != num_rows || array->window_first != start_row)
    {
      flush_window (store, array);
      array->window_count = 0;
      ensure_window (array, num_rows);
      for (JDIMENSION i = 0; i < num_rows; i++)
        {
          JDIMENSION row = start_row + i;

          if (array->rows[row] == &released_row)
            ERREXIT (cinfo, JERR_VIRTUAL_BUG);
          unpack_row (array->rows[row], array->window[i], array->blocks_per_row);
          if (!writable)
            drop_row (store, array, row, &released_row, 0);
        }
      array->window_first = start_row;
      array->window_count = num_rows;
    }
  if (writable)
    array->window_dirty = TRUE;
  return array->window;
}

static void
free_pool (j_common_ptr cinfo,
           int          pool_id)
{
  Store *store = store_of (cinfo);

  if (pool_id == JPOOL_IMAGE)
    free_arrays (store);
  store->free_pool (cinfo, pool_id);
}

static void
self_destruct (j_common_ptr cinfo)
{
  Store *store = store_of (cinfo);
  void (*destruct) (j_common_ptr) = store->self_destruct;

  free_arrays (store);
  cinfo->client_data = NULL;
  g_free (store);
  destruct (cinfo);
}

void
imgproc_coefficient_store_install (j_decompress_ptr cinfo)
{
  Store *store = g_new0 (Store, 1);
  struct jpeg_memory_mgr *mem = cinfo->mem;

  g_return_if_fail (cinfo->client_data == NULL);
  g_return_if_fail (!cinfo->buffered_image);

  store->free_pool = mem->free_pool;
  store->self_destruct = mem->self_destruct;
  cinfo->client_data = store;

  mem->request_virt_barray = request_virt_barray;
  mem->access_virt_barray = access_virt_barray;
  mem->free_pool = free_pool;
  mem->self_destruct = self_destruct;
  /* Smoothing reads the rows around each output row again. */
  cinfo->do_block_smoothing = FALSE;
}

gsize
imgproc_coefficient_store_peak_bytes (j_decompress_ptr cinfo)
{
  Store *store = cinfo->client_data;

  g_return_val_if_fail (store != NULL, 0);
  return store->peak_bytes;
}

guint64
imgproc_coefficient_store_estimate (guint64 blocks,
                                    gsize   file_len)
{
  guint64 all_values = blocks * (MASK_BYTES + sizeof (JBLOCK));
  guint64 typical = blocks * MASK_BYTES + (guint64) file_len * VALUE_BYTES_PER_FILE_BYTE;

  return MIN (all_values, typical);
}
