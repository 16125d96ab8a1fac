"""Vietnamese names for generated demo data. Everything built from these is fictitious."""

FAMILY_LOWLAND = (
    ("Nguyễn", 30), ("Trần", 9), ("Lê", 9), ("Hồ", 6), ("Phan", 5), ("Hoàng", 4), ("Phạm", 4),
    ("Võ", 4), ("Đặng", 3), ("Bùi", 3), ("Đinh", 3), ("Thái", 2), ("Chu", 2), ("Đậu", 2),
    ("Cao", 2), ("Ngô", 2), ("Dương", 2), ("Hà", 2), ("Lưu", 1), ("Tạ", 1),
)
FAMILY_HIGHLAND = (
    ("Lô", 14), ("Vi", 12), ("Lương", 12), ("Lang", 8), ("Kha", 6), ("Quang", 5), ("Sầm", 4),
    ("Moong", 5), ("Xồng", 4), ("Vừ", 4), ("Lầu", 3), ("Nguyễn", 10), ("Lê", 5), ("Hà", 4),
)
MIDDLE_MALE = ("Văn", "Đình", "Hữu", "Xuân", "Công", "Quang", "Đức", "Minh")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Hồng")
GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh", "Nam",
    "Nghĩa", "Phong", "Quân", "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
)
GIVEN_FEMALE = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Hường", "Lan", "Linh", "Loan",
    "Mai", "Nga", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Vân", "Yến",
)
# Bản names of Thái and Khơ Mú villages in the western highlands.
BAN_NAMES = (
    "Na", "Hoa", "Xiềng", "Nưa", "Khe", "Pha", "Mường", "Pủng", "Cọn", "Chà Lắn", "Huồi", "Nậm",
    "Phà Lài", "Tạt", "Kẻo", "Bố", "Cỏ Nong", "Thái Lão", "Mọi", "Đỉn", "Phồng", "Lốc", "Xét",
    "Pục", "Tổng", "Kim", "Tằn", "Quang", "Lạn", "Piềng", "Nà Ca", "Hạt",
)
COOP_KINDS = ("HTX Nông nghiệp", "HTX Dịch vụ tổng hợp", "HTX Sản xuất và tiêu thụ")
BUSINESS_KINDS = ("Công ty TNHH", "Công ty Cổ phần", "Cơ sở sản xuất")
BUSINESS_NAMES = ("Hoa Sen", "Xứ Nghệ", "Lam Hồng", "Phú Quý", "An Phát", "Đại Thành", "Minh Tâm", "Trường Sơn")
