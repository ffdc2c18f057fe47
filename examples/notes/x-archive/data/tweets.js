window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1781500000000000001"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "102"
      ],
      "favorite_count" : "12",
      "id_str" : "1781500000000000001",
      "truncated" : false,
      "retweet_count" : "3",
      "id" : "1781500000000000001",
      "created_at" : "Wed Apr 17 08:01:02 +0000 2024",
      "favorited" : false,
      "full_text" : "Moved all my notes into plain text &amp; markdown. grep is the search engine, git is the sync service.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1783200000000000002"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "93"
      ],
      "favorite_count" : "1136",
      "id_str" : "1783200000000000002",
      "truncated" : false,
      "retweet_count" : "58",
      "id" : "1783200000000000002",
      "created_at" : "Mon Apr 22 14:30:10 +0000 2024",
      "favorited" : false,
      "full_text" : "Rule of thumb for shortcuts:\n&gt; cheap + reversible = one chord\n&gt; destructive = more keys",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1786000000000000003"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : [
          {
            "url" : "https://t.co/AbCdEf1234",
            "expanded_url" : "https://example.com/wezterm-zoom",
            "display_url" : "example.com/wezterm-zoom",
            "indices" : [
              "58",
              "81"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "78"
      ],
      "favorite_count" : "245",
      "id_str" : "1786000000000000003",
      "truncated" : false,
      "retweet_count" : "19",
      "id" : "1786000000000000003",
      "created_at" : "Tue Apr 30 09:12:44 +0000 2024",
      "favorited" : false,
      "full_text" : "Wrote up how I bind wezterm pane zoom to Ctrl+Shift+Z: https://t.co/AbCdEf1234",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1790100000000000004"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "60"
      ],
      "favorite_count" : "7",
      "id_str" : "1790100000000000004",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1790100000000000004",
      "created_at" : "Sat May 11 22:05:00 +0000 2024",
      "favorited" : false,
      "full_text" : "@friend_dev yes, the &lt;leader&gt; key is Alt-a in my setup",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1795500000000000005"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "109"
      ],
      "favorite_count" : "2345",
      "id_str" : "1795500000000000005",
      "truncated" : false,
      "retweet_count" : "310",
      "id" : "1795500000000000005",
      "created_at" : "Sun May 26 06:45:31 +0000 2024",
      "favorited" : false,
      "full_text" : "Open source &gt; open weights &gt; closed API. All three have a place, but know which one you are betting on.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1801200000000000006"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "93"
      ],
      "favorite_count" : "88",
      "id_str" : "1801200000000000006",
      "truncated" : false,
      "retweet_count" : "4",
      "id" : "1801200000000000006",
      "created_at" : "Tue Jun 11 17:20:05 +0000 2024",
      "favorited" : false,
      "full_text" : "Tiny CLI idea: a notes browser where every tweet, heading and key binding is one search away.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1810900000000000007"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "84"
      ],
      "favorite_count" : "430",
      "id_str" : "1810900000000000007",
      "truncated" : false,
      "retweet_count" : "41",
      "id" : "1810900000000000007",
      "created_at" : "Mon Jul 08 11:11:11 +0000 2024",
      "favorited" : false,
      "full_text" : "Pinyin search in a terminal app: type scl, get 生产力. Feels like magic the first time.",
      "lang" : "zh"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1822000000000000008"
          ],
          "editableUntil" : "2024-01-01T00:00:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "96"
      ],
      "favorite_count" : "19",
      "id_str" : "1822000000000000008",
      "truncated" : false,
      "retweet_count" : "2",
      "id" : "1822000000000000008",
      "created_at" : "Thu Aug 08 03:33:33 +0000 2024",
      "favorited" : false,
      "full_text" : "RT @devon_ash: a text file with good headings and grep is a better knowledge base than most apps",
      "lang" : "en"
    }
  }
]