/* pngdiff.c - compares two PNG images pixel by pixel (cairo's PNG loader), for
 * the deck's reference images: a pixel differs when any channel (A, R, G, B)
 * differs by more than THRESHOLD levels; the images match when at most
 * MAX_PERCENT of the pixels differ and the sizes are equal.
 *
 * usage: pngdiff GOT.png WANT.png [MAX_PERCENT=0.5] [THRESHOLD=64]
 * Prints one line; exit 0 match, 1 differ, 2 cannot read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cairo.h>

static cairo_surface_t *load(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "pngdiff: cannot read %s: %s\n", path,
                cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    /* one pixel format for both, whatever the PNG held */
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    cairo_surface_t *argb = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(argb);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    cairo_surface_flush(argb);
    return argb;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: pngdiff GOT.png WANT.png [MAX_PERCENT] [THRESHOLD]\n");
        return 2;
    }
    double max_percent = argc > 3 ? atof(argv[3]) : 0.5;
    int threshold = argc > 4 ? atoi(argv[4]) : 64;
    cairo_surface_t *a = load(argv[1]), *b = load(argv[2]);
    int rc = 2;
    if (!a || !b)
        goto out;
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b)) {
        printf("size differs: %dx%d vs %dx%d\n", w, h, cairo_image_surface_get_width(b),
               cairo_image_surface_get_height(b));
        rc = 1;
        goto out;
    }
    const unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    long differ = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *ra = (const uint32_t *)(pa + (size_t)y * (size_t)sa);
        const uint32_t *rb = (const uint32_t *)(pb + (size_t)y * (size_t)sb);
        for (int x = 0; x < w; x++) {
            for (int shift = 0; shift < 32; shift += 8) {
                int ca = (int)((ra[x] >> shift) & 0xff), cb = (int)((rb[x] >> shift) & 0xff);
                if (abs(ca - cb) > threshold) {
                    differ++;
                    break;
                }
            }
        }
    }
    double pct = 100.0 * (double)differ / ((double)w * (double)h);
    printf("%ld of %ld pixels differ (%.3f%%, limit %.3f%%)\n", differ, (long)w * h, pct,
           max_percent);
    rc = pct <= max_percent ? 0 : 1;
out:
    if (a)
        cairo_surface_destroy(a);
    if (b)
        cairo_surface_destroy(b);
    return rc;
}
