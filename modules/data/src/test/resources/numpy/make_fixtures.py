"""Writes the NumPy fixtures of NpyReadingTest with real NumPy (run: python3 make_fixtures.py).

Every array's values follow a formula that the Java test recomputes, so the test checks the values,
not just that reading succeeds.
"""
import numpy as np

def values(n):
    return np.arange(n) * 7 % 11 - 3  # small signed integers -3..7

a = values(24).reshape(2, 3, 4)
arrays = {
    'u1': (a + 3).astype('|u1'),
    'b1': (a > 2),
    'i1': a.astype('<i1'),
    'i2': a.astype('<i2'),
    'i4': a.astype('<i4'),
    'i8': a.astype('<i8'),
    'u2': (a + 3).astype('<u2'),
    'u4': (a + 3).astype('<u4'),
    'u8': (a + 3).astype('<u8'),
    'f4': (a / 4).astype('<f4'),
    'f8': (a / 4).astype('<f8'),
    'f8be': (a / 4).astype('>f8'),
    'i4be': a.astype('>i4'),
}
np.savez('all_dtypes_stored.npz', **arrays)
np.savez_compressed('all_dtypes_deflated.npz', **arrays)
# dSprites' structure in miniature, with its pickled metadata member
imgs = (np.arange(5 * 4 * 4).reshape(5, 4, 4) % 3 == 0).astype(np.uint8)
classes = np.stack([np.zeros(5), np.arange(5) % 3, np.arange(5) % 2, np.arange(5), np.arange(5) % 4, np.arange(5)[::-1]], axis=1).astype(np.int64)
np.savez_compressed('dsprites_like.npz', imgs=imgs, latents_classes=classes, latents_values=classes / 2.0,
                    metadata=np.array({'title': 'dsprites-like'}, dtype=object))
np.save('fortran.npy', np.asfortranarray(a.astype('<f4')))
np.save('scalar.npy', np.float64(2.5))
# the same array with the 4-byte header length of format versions 2.0 and 3.0 (NumPy picks them only for huge headers)
np.lib.format.write_array(open('version2.npy', 'wb'), a.astype('<i2'), version=(2, 0))
np.lib.format.write_array(open('version3.npy', 'wb'), a.astype('<i2'), version=(3, 0))
# stored members with zip64 local headers (sizes in the zip64 extra field), as NumPy writes members over 4 GB
import zipfile
with zipfile.ZipFile('zip64_stored.npz', 'w', compression=zipfile.ZIP_STORED) as z:
    for key, array in (('first', a.astype('<i2')), ('second', (a / 4).astype('<f8'))):
        with z.open(key + '.npy', 'w', force_zip64=True) as f:
            np.lib.format.write_array(f, array)
