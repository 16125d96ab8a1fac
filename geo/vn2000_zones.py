"""VN-2000 zones and provinces' meridians: the tables that geo.crs and geo.crs_traps both read.

Kept apart so the trap checks can use them without importing geo.crs, which calls the checks.
"""
from __future__ import annotations

VN2000_GEOGRAPHIC = 4756
VN2000_UTM = (3405, 3406)

# Central meridian (degrees) → EPSG code of the VN-2000 TM-3 projection (k = 0.9999, FE 500 km).
TM3_ZONES: dict[float, int] = {
    102.0: 5896, 105.0: 5897, 108.0: 5898, 107.75: 5899,
    103.0: 9205, 104.0: 9206, 104.5: 9207, 104.75: 9208, 105.5: 9209, 105.75: 9210,
    106.0: 9211, 106.25: 9212, 106.5: 9213, 107.0: 9214, 107.25: 9215, 107.5: 9216,
    108.25: 9217, 108.5: 9218,
}

# Province code (after the 1 July 2025 reform) → name and the meridians of the provinces merged
# into it (Circular 973/2001/TT-TCĐC; first meridian = host province).
PROVINCE_MERIDIANS: dict[str, tuple[str, tuple[float, ...]]] = {
    "01": ("Hà Nội", (105.0,)),
    "04": ("Cao Bằng", (105.75,)),
    "08": ("Tuyên Quang", (106.0, 105.5)),
    "11": ("Điện Biên", (103.0,)),
    "12": ("Lai Châu", (103.0,)),
    "14": ("Sơn La", (104.0,)),
    "15": ("Lào Cai", (104.75,)),
    "19": ("Thái Nguyên", (106.5,)),
    "20": ("Lạng Sơn", (107.25,)),
    "22": ("Quảng Ninh", (107.75,)),
    "24": ("Bắc Ninh", (107.0, 105.5)),
    "25": ("Phú Thọ", (104.75, 105.0, 106.0)),
    "31": ("Hải Phòng", (105.75, 105.5)),
    "33": ("Hưng Yên", (105.5,)),
    "37": ("Ninh Bình", (105.0, 105.5)),
    "38": ("Thanh Hóa", (105.0,)),
    "40": ("Nghệ An", (104.75,)),
    "42": ("Hà Tĩnh", (105.5,)),
    "44": ("Quảng Trị", (106.0, 106.25)),
    "46": ("Huế", (107.0,)),
    "48": ("Đà Nẵng", (107.75,)),
    "51": ("Quảng Ngãi", (108.0, 107.5)),
    "52": ("Gia Lai", (108.25, 108.5)),
    "56": ("Khánh Hòa", (108.25,)),
    "66": ("Đắk Lắk", (108.5,)),
    "68": ("Lâm Đồng", (107.75, 108.5)),
    "75": ("Đồng Nai", (107.75, 106.25)),
    "79": ("Hồ Chí Minh", (105.75, 107.75)),
    "80": ("Tây Ninh", (105.75, 105.5)),
    "82": ("Đồng Tháp", (105.75, 105.0)),
    "86": ("Vĩnh Long", (105.5, 105.75)),
    "91": ("An Giang", (104.5, 104.75)),
    "92": ("Cần Thơ", (105.0, 105.5)),
    "96": ("Cà Mau", (104.5, 105.0)),
}

# Northing/easting window of TM-3/UTM coordinates anywhere in Vietnam.
METRES_X = (100_000.0, 900_000.0)
METRES_Y = (850_000.0, 2_700_000.0)



def looks_geographic(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def looks_vn_metres(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return (METRES_X[0] <= minx <= maxx <= METRES_X[1]) and (METRES_Y[0] <= miny <= maxy <= METRES_Y[1])
