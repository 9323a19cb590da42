"""Writes creative_goods.csv from the lists below; run in this folder after hs2022_codes.txt
(see README.md): python3 make_creative.py > creative_goods.csv"""
import csv, sys
hs22 = set(open('hs2022_codes.txt').read().split())
# HS2002 codes that exist in HS 2022 with a different meaning (heading 8524 became flat
# panel display modules in HS 2022).
CHANGED = {"852499"}
# (group, subgroup, [HS2002 codes of the UNCTAD list], [HS2022 successors])
L = [
 ("art_crafts","carpets","570110 570190 570210 570220 570231 570232 570239 570241 570242 570249 570251 570252 570259 570291 570292 570299 570500","570250"),
 ("art_crafts","celebration","950510 950590",""),
 ("art_crafts","other","340600 430219 442090 670210 670290",""),
 ("art_crafts","paperware","480210",""),
 ("art_crafts","wickerware","460120 460191 460210 460290","460121 460122 460129 460192 460193 460194 460211 460212 460219"),
 ("art_crafts","yarn","580410 580421 580429 580430 580500 580810 580890 581010 581091 581092 581099 581100 630411 630419 630491 630492 630493 630499",""),
 ("audiovisuals","film","370610 370690",""),
 ("design","architecture","490600",""),
 ("design","fashion","420221 420222 420229 420231 420232 420239 420291 420292 420299 420330 621410 621420 621430 621440 621490 650400 900410",""),
 ("design","glassware","701321 701331 701391 701399","701322 701333 701341"),
 ("design","interior","481410 481420 481430 481490 691110 691190 691200 940330 940340 940350 940360 940380 940510 940520 940550","940382 940383 940389 940511 940519 940521 940529"),
 ("design","jewellery","711311 711319 711320 711411 711419 711420 711610 711620 711711 711719 711790",""),
 ("design","toys","950210 950291 950299 950310 950320 950330 950341 950349 950350 950360 950370 950380 950390","950300"),
 ("new_media","recorded_media","852431 852440 852499","852349"),
 ("new_media","video_games","950410","950450"),
 ("performing_arts","music","852410 852432 852451",""),
 ("performing_arts","printed_music","490400",""),
 ("publishing","books","490110 490191 490199 490300",""),
 ("publishing","newspapers","490210 490290",""),
 ("publishing","other_printed_matter","490510 490591 490599 490900 491000 491110 491191 491199","490520 490590"),
 ("visual_arts","antiques","970600","970610 970690"),
 ("visual_arts","painting","441400 970110 970190","441410 441490 970121 970122 970129 970191 970192 970199"),
 ("visual_arts","photography","370510 370520 370590","370500"),
 ("visual_arts","sculpture","442010 691310 691390 830621 830629 960110 970300","442011 442019 970310 970390"),
]
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["hs6","group","subgroup","editions","basis"])
seen = set()
for g, s, old, new in L:
    for c in old.split():
        assert c not in seen, c; seen.add(c)
        ed = "HS2002 HS2022" if c in hs22 and c not in CHANGED else "HS2002"
        w.writerow([c, g, s, ed, "compiled"])
    for c in new.split():
        assert c not in seen, c; seen.add(c)
        assert c in hs22, c
        w.writerow([c, g, s, "HS2022", "successor"])
