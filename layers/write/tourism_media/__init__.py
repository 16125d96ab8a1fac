"""Tourism media (issue 14): listings' photos (files named by content, rows ordered with one
cover) and routes imported from GPX/KML with their elevation profiles. Who may change a listing
is decided by layers.write.tourism.access, the listings' own rule."""
