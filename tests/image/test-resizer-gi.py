#!/usr/bin/python3
# The resizer through GObject Introspection, as a Python caller uses it:
# bytes in, renditions out, and a GLib.Error in the image domain on garbage.
# (Named -gi so that its log does not collide with the C test-resizer.log.)
import sys

import gi
gi.require_version('GLib', '2.0')
gi.require_version('GdkPixbuf', '2.0')
gi.require_version('Imgproc', '1.0')
from gi.repository import GLib, GdkPixbuf, Imgproc

results = []


def check(name, condition):
    results.append((name, bool(condition)))


def make_png(width, height):
    pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, True, 8, width, height)
    pixbuf.fill(0x3366ccff)
    ok, data = pixbuf.save_to_bufferv('png', [], [])
    assert ok
    return GLib.Bytes.new(data)


def decode(gbytes):
    loader = GdkPixbuf.PixbufLoader()
    loader.write_bytes(gbytes)
    loader.close()
    return loader.get_pixbuf(), loader.get_format().get_name()


resizer = Imgproc.Resizer.new([400, 100])
renditions = resizer.process(make_png(1600, 1000), None)
check('two renditions in request order',
      [r.get_target_width() for r in renditions] == [400, 100])
check('geometry 1600x1000 to 400 is 400x250',
      (renditions[0].get_width(), renditions[0].get_height()) == (400, 250))
check('facts: PNG stays PNG',
      renditions[0].get_format() == Imgproc.ImageFormat.PNG
      and renditions[0].get_mime_type() == 'image/png')
# 1000 * 100 / 1600 = 62.5 rounds half up.
pixbuf, name = decode(renditions[1].get_bytes())
check('bytes decode to the stated size',
      name == 'png' and (pixbuf.get_width(), pixbuf.get_height()) == (100, 63)
      and renditions[1].get_byte_size() == renditions[1].get_bytes().get_size())

webp = Imgproc.Resizer(widths=GLib.Variant('au', [10]),
                       output_format=Imgproc.OutputFormat.WEBP, quality=70)
check('properties from Python', webp.get_quality() == 70
      and list(webp.get_widths()) == [10] and webp.props.max_pixels == 100000000)
out = webp.process(make_png(1600, 1000), None)
check('webp output, 1600x1000 to 10 is 10x6',
      out[0].get_format() == Imgproc.ImageFormat.WEBP
      and (out[0].get_width(), out[0].get_height()) == (10, 6))

info = Imgproc.ImageInfo.new_from_bytes(out[0].get_bytes())
check('info probes the output', info.get_format() == Imgproc.ImageFormat.WEBP
      and info.get_width() == 10 and info.get_height() == 6)

try:
    resizer.process(GLib.Bytes.new(b'this is not an image at all'), None)
    check('garbage raises GLib.Error', False)
except GLib.Error as e:
    check('garbage raises GLib.Error in the image domain',
          e.domain == 'imgproc-image-error-quark'
          and e.code == Imgproc.ImageError.UNSUPPORTED)

try:
    resizer.process(GLib.Bytes.new(b''), None)
    check('empty input raises', False)
except GLib.Error as e:
    check('empty input raises EMPTY', e.code == Imgproc.ImageError.EMPTY)

print('1..%d' % len(results))
for i, (name, ok) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
sys.exit(0 if all(ok for _, ok in results) else 1)
